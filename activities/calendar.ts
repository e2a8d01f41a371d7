import { ApplicationFailure } from '@temporalio/activity';
import { DEFAULT_DUE_TIME } from '../infra/config';
import { computeDueDate, planReminderMomentsFor, type DueDateInput, type PlannedReminder, type WorkingDayReminderInput } from '../domain/deadlines';

/** The failure type a workflow recognises as "this date can never be resolved": never retried. */
export const INVALID_DUE_DATE_FAILURE = 'invalid_due_date';

/**
 * Due-date arithmetic for runs started before issue 21, which ask it of the worker; newer runs
 * compute the same functions inside the workflow with the settings they were started with.
 */
export function createCalendarActivities({ reminderHour = '09:00', dueTime = DEFAULT_DUE_TIME }: { reminderHour?: string; dueTime?: string } = {}) {
  return {
    async resolveDueDate(input: DueDateInput): Promise<string> {
      const outcome = computeDueDate(input, dueTime);
      // Deterministic: the same input fails the same way on every attempt, so retrying it forever
      // (what a plain error did: "no such calendar date", year 0050) only hides the programme.
      if ('invalid' in outcome) throw ApplicationFailure.nonRetryable(outcome.invalid, INVALID_DUE_DATE_FAILURE, { base: input.base });
      return outcome.dueAt;
    },

    /** Day-based reminder moments, on working days at the installation's reminder hour (Paris). */
    async planReminderMoments(inputs: Omit<WorkingDayReminderInput, 'hour'>[]): Promise<PlannedReminder[][]> {
      return planReminderMomentsFor(inputs, reminderHour);
    },
  };
}
