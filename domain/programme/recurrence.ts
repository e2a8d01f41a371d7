/**
 * Recurring steps (issue 19): a template step with `repeat` runs as a series of occurrences, each
 * a step of the programme in its own right (`step~n`: own due date, reminders, deliverables). The
 * first occurrence opens with the step's phase (once its dependencies are done); the next one
 * opens when the previous one is completed or its due date has passed, until the schedule ends
 * (`until`) or, without an end, for the programme's life. The workflow carries the rows through
 * continue-as-new like any other step.
 */
import type { ProgrammeState, StepState } from '../programme-state';
import { occurrenceDate } from '../schedule';
import { occurrenceKey, definitionKey } from '../step-row-key';
import type { Step, Template } from '../template-schema';
import { resolveAssignee } from './assignment';
import { recordEvent } from './state';

/** The occurrences of a recurring step, in order. */
export function occurrencesOf(state: ProgrammeState, stepKey: string): StepState[] {
  return state.steps.filter((s) => s.occurrence && definitionKey(s.key) === stepKey);
}

/** The scheduled date of the series' next occurrence, or undefined when the schedule has ended. */
export function nextOccurrenceDate(def: Step, state: ProgrammeState): { n: number; on: string } | undefined {
  const n = occurrencesOf(state, def.key).length + 1;
  const on = occurrenceDate(def.repeat!, n, state.startDate, state.startedAt);
  return on === undefined ? undefined : { n, on };
}

/** Whether the series still has occurrences to open (an endless one always has). */
export function isSeriesRunning(def: Step, state: ProgrammeState): boolean {
  return nextOccurrenceDate(def, state) !== undefined;
}

/** Whether the next occurrence may open now: the previous one is done or past its due date. */
export function isNextOccurrenceDue(def: Step, state: ProgrammeState, now: Date): boolean {
  const previous = occurrencesOf(state, def.key).at(-1);
  if (!previous) return true;
  if (previous.status === 'completed' || previous.status === 'skipped') return true;
  return previous.dueAt !== undefined && Date.parse(previous.dueAt) <= now.getTime();
}

/** Opens occurrence `next` of a recurring step: a new active step appended to the programme. */
export function openOccurrence(t: Template, state: ProgrammeState, def: Step, phaseKey: string, next: { n: number; on: string }, now: Date): StepState {
  const step: StepState = {
    key: occurrenceKey(def.key, next.n),
    phaseKey,
    position: state.steps.reduce((max, s) => Math.max(max, s.position), -1) + 1,
    status: 'active',
    assignee: { kind: 'coordinator' },
    late: false,
    activatedAt: now.toISOString(),
    parts: {},
    deliverables: [],
    remindersSent: [],
    occurrence: next,
  };
  state.steps.push(step);
  step.assignee = resolveAssignee(t, state, step);
  recordEvent(state, now, 'step.activated', undefined, { stepKey: step.key, occurrence: next.n, on: next.on });
  return step;
}
