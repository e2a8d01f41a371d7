import { addDuration, parisDateToInstant } from '../domain/calendar';
import type { Duration } from '../domain/template-schema';

/** Due-date arithmetic needs the holiday calendar, which stays out of the workflow sandbox. */
export function createCalendarActivities() {
  return {
    async resolveDueDate(input: { base: string; kind: 'date' | 'instant'; offset?: Duration }): Promise<string> {
      // A bare date means the end of the working day in Paris.
      const start = input.kind === 'date' ? parisDateToInstant(input.base, '18:00') : new Date(input.base);
      if (!input.offset) return start.toISOString();
      return addDuration(start, input.offset.amount, input.offset.unit).toISOString();
    },
  };
}
