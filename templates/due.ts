/**
 * Small builders for the due rules of the built-in templates. Real programmes count
 * calendar days; working days would shift with French public holidays for no gain here.
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
