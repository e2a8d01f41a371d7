import { ApplicationFailure } from '@temporalio/activity';
import { planWorkingDayReminders, resolveDueInstant, type DueDateInput, type PlannedReminder, type WorkingDayReminderInput } from '../domain/deadlines';

/** The failure type a workflow recognises as "this date can never be resolved": never retried. */
export const INVALID_DUE_DATE_FAILURE = 'invalid_due_date';

/** Due-date arithmetic needs the holiday calendar, which stays out of the workflow sandbox. */
export function createCalendarActivities({ reminderHour = '09:00' }: { reminderHour?: string } = {}) {
  return {
    async resolveDueDate(input: DueDateInput): Promise<string> {
      try {
        return resolveDueInstant(input).toISOString();
      } catch (err) {
        // Deterministic: the same input fails the same way on every attempt, so retrying it forever
        // (what a plain error did: "no such calendar date", year 0050) only hides the programme.
        if (err instanceof RangeError) throw ApplicationFailure.nonRetryable(err.message, INVALID_DUE_DATE_FAILURE, { base: input.base });
        throw err;
      }
    },

    /**
     * Day-based reminder moments, on working days at the installation's reminder hour (Paris), for
     * several steps in one call (a programme opens several dated steps at once). A step whose moments
     * cannot be computed gets none rather than failing the others.
     */
    async planReminderMoments(inputs: Omit<WorkingDayReminderInput, 'hour'>[]): Promise<PlannedReminder[][]> {
      return inputs.map((input) => {
        try {
          return planWorkingDayReminders({ ...input, hour: reminderHour });
        } catch (err) {
          if (err instanceof RangeError) return [];
          throw err;
        }
      });
    },
  };
}
