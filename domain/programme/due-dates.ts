/**
 * Due dates inside the workflow: where a step's due rule counts from (the offset itself is
 * resolved by an activity, which knows the holidays) and setting the date it resolved to.
 */
import { isPastDue } from '../lateness';
import type { ProgrammeState } from '../programme-state';
import type { Template } from '../template-schema';
import { phaseState, stepState, templateStep } from './lookups';
import { markChanged } from './state';

export interface DueBase {
  base: string;
  kind: 'date' | 'instant';
  offset?: { amount: number; unit: 'calendarDays' | 'workingDays' | 'seconds' };
  nonWorkingDays?: Template['nonWorkingDays'];
}

/** Where a step's due rule counts from; `computeDueDate` (domain/deadlines.ts) resolves the offset, in the workflow or, for older runs, its calendar activity. */
export function dueBase(t: Template, state: ProgrammeState, stepKey: string): DueBase | undefined {
  const step = stepState(state, stepKey);
  // An occurrence of a recurring step (issue 19) is due on its scheduled date, closed like any dated
  // due rule (DUE_TIME, non-working-day rule); a second-scale test schedule's instant is never moved.
  if (step?.occurrence) return step.occurrence.on.length === 10 ? { base: step.occurrence.on, kind: 'date' } : { base: step.occurrence.on, kind: 'instant', offset: { amount: 0, unit: 'seconds' } };
  const rule = templateStep(t, stepKey)?.due;
  if (!rule || !step) return undefined;
  switch (rule.from) {
    case 'date':
      return { base: rule.date, kind: 'date' };
    case 'programmeStart':
      // Days count from the declared start date (a programme may be recorded after it began);
      // second-scale offsets (tests, demos) count from the moment the workflow started.
      return rule.offset.unit === 'seconds' ? { base: state.startedAt, kind: 'instant', offset: rule.offset } : { base: state.startDate, kind: 'date', offset: rule.offset };
    case 'phaseStart':
      return { base: phaseState(state, step.phaseKey)?.openedAt ?? state.startedAt, kind: 'instant', offset: rule.offset };
    case 'stepCompleted':
      return { base: stepState(state, rule.stepKey)?.completedAt ?? step.activatedAt ?? state.startedAt, kind: 'instant', offset: rule.offset };
    case 'param': {
      const date = state.dates[rule.param];
      if (!date) return undefined;
      return { base: date, kind: date.length === 10 ? 'date' : 'instant', offset: rule.offset };
    }
  }
}

/** Sets a step's due date; returns true when the step just became late (the caller records `step.overdue`). */
export function setDueDate(state: ProgrammeState, stepKey: string, dueAt: string, now: Date): boolean {
  const step = stepState(state, stepKey)!;
  const wasLate = step.late;
  step.dueAt = dueAt;
  step.dueSetAt = now.toISOString();
  step.late = isPastDue(dueAt, now) && step.status === 'active' && state.status === 'active';
  markChanged(state);
  return step.late && !wasLate;
}
