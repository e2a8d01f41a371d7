/**
 * Due dates and reminder moments on the French working calendar (Europe/Paris). Pure and
 * deterministic (the holiday calendar is a generated table): programmes started since issue 21 run
 * them inside the workflow, older runs through the calendar activities, tests directly.
 */
import {
  addDuration,
  addWorkingDaysToDate,
  applyNonWorkingDayRule,
  isInstantInRange,
  nearestWorkingDate,
  parisDateToInstant,
  toParisDate,
  type NonWorkingDayRule,
} from './calendar';
import { MAX_OVERDUE_REMINDERS } from './reminder-limits';
import type { Duration, ReminderPolicy } from './template-schema';

export type ReminderKind = 'reminder_before_due' | 'due_today' | 'overdue' | 'escalation';

export interface PlannedReminder {
  key: string;
  stepKey: string;
  kind: ReminderKind;
  at: number;
  dueAt: string;
}

export { MAX_OVERDUE_REMINDERS };

/**
 * The installation's hours a run computes its deadlines with (issue 21): DUE_TIME closes a
 * date-only deadline, REMINDER_HOUR sends day-based reminders, both 'HH:mm' in Paris. Carried in
 * the workflow's input from its start, so replay computes the same instants.
 */
export interface DueCalendarSettings {
  dueTime: string;
  reminderHour: string;
}

export interface DueDateInput {
  base: string;
  kind: 'date' | 'instant';
  offset?: Duration;
  /** Absent in workflows started before the rule existed: counts as 'none'. */
  nonWorkingDays?: NonWorkingDayRule;
}

/** A due date outside DATE_RANGE: deterministic, so retrying it can never succeed. */
export class DueDateOutOfRange extends RangeError {
  constructor(readonly value: string) {
    super(`due date ${value} is outside the accepted range (1990-01-01 to 2100-12-31)`);
    this.name = 'DueDateOutOfRange';
  }
}

/**
 * The due instant of a rule: a bare date closes at `dueTime` in Paris (the installation's DUE_TIME); day offsets keep the
 * time of day; the template's non-working-day rule then moves a weekend or holiday due date.
 * Second-scale offsets (tests, demos) are never moved.
 */
export function resolveDueInstant(input: DueDateInput, dueTime: string): Date {
  if (input.kind === 'date' && !isInstantInRange(`${input.base}T12:00:00Z`)) throw new DueDateOutOfRange(input.base);
  if (input.kind === 'instant' && !isInstantInRange(input.base)) throw new DueDateOutOfRange(input.base);
  const start = input.kind === 'date' ? parisDateToInstant(input.base, dueTime) : new Date(input.base);
  const due = input.offset ? addDuration(start, input.offset.amount, input.offset.unit) : start;
  const moved = input.offset?.unit === 'seconds' ? due : applyNonWorkingDayRule(due, input.nonWorkingDays ?? 'none');
  if (!isInstantInRange(moved.toISOString())) throw new DueDateOutOfRange(moved.toISOString());
  return moved;
}

export interface WorkingDayReminderInput {
  programmeId: string;
  stepKey: string;
  dueAt: string;
  policy: ReminderPolicy;
  /** Paris time reminders go out at, 'HH:mm'. */
  hour: string;
}

/**
 * Reminder moments for a day-based policy, all on working days at `hour` (Paris):
 * - before due: N working days before the due date;
 * - due today: the morning of the due date (the last working morning before it when the due
 *   date is not a working day, or when the deadline closes before `hour`);
 * - overdue: every `overdueEvery` working days after the due date; the escalation goes with the
 *   `escalateAfter`-th overdue reminder.
 * Keys embed the due date, as the second-scale plan does, so a new due date plans a new series.
 */
export function planWorkingDayReminders(input: WorkingDayReminderInput): PlannedReminder[] {
  const { programmeId, stepKey, dueAt, policy, hour } = input;
  const due = Date.parse(dueAt);
  const dueDay = toParisDate(new Date(due));
  const key = (kind: string) => `${programmeId}:${stepKey}:${kind}:${dueAt}`;
  const morning = (date: string) => parisDateToInstant(date, hour).getTime();
  const plan: PlannedReminder[] = [];
  // The last working morning strictly before the deadline.
  let lastMorning = nearestWorkingDate(dueDay, 'previous');
  if (morning(lastMorning) >= due) lastMorning = addWorkingDaysToDate(lastMorning, -1);
  for (const before of policy.beforeDue) {
    const at = morning(addWorkingDaysToDate(lastMorning, -before));
    plan.push({ key: key(`before-${before}`), stepKey, kind: 'reminder_before_due', at, dueAt });
  }
  if (policy.onDue) plan.push({ key: key('due'), stepKey, kind: 'due_today', at: morning(lastMorning), dueAt });
  if (policy.overdueEvery) {
    // Overdue counts from the first working morning after the deadline.
    for (let n = 1; n <= MAX_OVERDUE_REMINDERS; n++) {
      let day = addWorkingDaysToDate(nearestWorkingDate(dueDay, 'previous'), n * policy.overdueEvery);
      while (morning(day) <= due) day = addWorkingDaysToDate(day, 1);
      const at = morning(day);
      plan.push({ key: key(`overdue-${n}`), stepKey, kind: 'overdue', at, dueAt });
      if (policy.escalateAfter === n) plan.push({ key: key('escalation'), stepKey, kind: 'escalation', at, dueAt });
    }
  }
  return plan.sort((a, b) => a.at - b.at);
}

/** A due date, or why it can never be resolved (deterministic: the caller records it rather than retry). */
export type DueDateOutcome = { dueAt: string } | { invalid: string };

/** `resolveDueInstant` as an ISO instant; a RangeError (no such date, out of range) becomes `invalid` with its message. */
export function computeDueDate(input: DueDateInput, dueTime: string): DueDateOutcome {
  try {
    return { dueAt: resolveDueInstant(input, dueTime).toISOString() };
  } catch (err) {
    if (err instanceof RangeError) return { invalid: err.message };
    throw err;
  }
}

/**
 * `planWorkingDayReminders` for several steps at once (a programme opens several dated steps
 * together) at `hour` (Paris, 'HH:mm'); a step whose moments cannot be computed gets none rather
 * than failing the others.
 */
export function planReminderMomentsFor(inputs: Omit<WorkingDayReminderInput, 'hour'>[], hour: string): PlannedReminder[][] {
  return inputs.map((input) => {
    try {
      return planWorkingDayReminders({ ...input, hour });
    } catch (err) {
      if (err instanceof RangeError) return [];
      throw err;
    }
  });
}
