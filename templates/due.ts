/**
 * Small builders for the due rules of the built-in templates. Offsets count calendar days;
 * the templates' `nonWorkingDays: 'nextWorkingDay'` then moves a due date that lands on a
 * weekend or a French public holiday to the next working day.
 */
import type { DueRule } from '../domain/template-schema';

export function afterProgrammeStart(days: number): DueRule {
  return { from: 'programmeStart', offset: { amount: days, unit: 'calendarDays' } };
}

export function afterPhaseStart(days: number): DueRule {
  return { from: 'phaseStart', offset: { amount: days, unit: 'calendarDays' } };
}

export function afterStep(stepKey: string, days: number): DueRule {
  return { from: 'stepCompleted', stepKey, offset: { amount: days, unit: 'calendarDays' } };
}
