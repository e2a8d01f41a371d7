/**
 * Recurring steps (issue 19): the dates a schedule (`repeat` of a template step) falls on. Pure
 * and deterministic: the workflow asks for one occurrence at a time, the preview and the tests for
 * a range. Weekly and monthly schedules give Paris calendar dates ('YYYY-MM-DD', closed at the
 * installation's DUE_TIME and moved by the template's non-working-day rule like any dated due
 * rule); second-scale schedules (test templates) give instants.
 */
import type { Recurrence } from './template-schema';

/** Weekdays a weekly schedule may fall on (no zod here: the workflow bundle imports this file). */
export const WEEKDAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;

const DAY_MS = 86_400_000;

function parseDate(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}
function formatDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}
function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

/**
 * The date of occurrence `n` (1-based), or undefined once the schedule has ended (`until` passed).
 * Weeks: the first `weekday` (the start date's own without one) on or after the start date plus
 * `startAfter` weeks, then every `every` weeks. Months: `dayOfMonth` (the start date's day without
 * one; a shorter month's last day) of the month `startAfter` months after the start date's, then
 * every `every` months; a first date before the start date moves one month on.
 *
 * @param startDate the programme's start date, YYYY-MM-DD
 * @param startedAt the run's start instant (ISO), for second-scale schedules only
 * @returns 'YYYY-MM-DD' (weeks, months) or an ISO instant (seconds)
 */
export function occurrenceDate(r: Recurrence, n: number, startDate: string, startedAt: string): string | undefined {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`occurrence ${n}: expected an integer from 1`);
  const startAfter = r.startAfter ?? 0;
  if (r.unit === 'seconds') return new Date(Date.parse(startedAt) + (startAfter + (n - 1) * r.every) * 1000).toISOString();
  const start = parseDate(startDate);
  let date: Date;
  if (r.unit === 'weeks') {
    const first = new Date(start.getTime() + startAfter * 7 * DAY_MS);
    if (r.weekday) {
      // getUTCDay: 0 = Sunday; WEEKDAYS starts on Monday.
      const wanted = (WEEKDAYS.indexOf(r.weekday) + 1) % 7;
      while (first.getUTCDay() !== wanted) first.setUTCDate(first.getUTCDate() + 1);
    }
    date = new Date(first.getTime() + (n - 1) * r.every * 7 * DAY_MS);
  } else {
    const day = r.dayOfMonth ?? start.getUTCDate();
    const monthAt = (offset: number) => {
      const m = start.getUTCMonth() + offset;
      const year = start.getUTCFullYear() + Math.floor(m / 12);
      const month = ((m % 12) + 12) % 12;
      return new Date(Date.UTC(year, month, Math.min(day, daysInMonth(year, month))));
    };
    const firstOffset = monthAt(startAfter) < start ? startAfter + 1 : startAfter;
    date = monthAt(firstOffset + (n - 1) * r.every);
  }
  const on = formatDate(date);
  return r.until && on > r.until ? undefined : on;
}

/**
 * Every occurrence date on or before `through` (a date or an instant, compared as text of the same
 * kind), at most `limit` of them: what the preview and the unit tests list.
 */
export function occurrencesThrough(r: Recurrence, startDate: string, startedAt: string, through: string, limit = 1000): string[] {
  const out: string[] = [];
  for (let n = 1; n <= limit; n++) {
    const on = occurrenceDate(r, n, startDate, startedAt);
    if (on === undefined) break;
    const past = r.unit === 'seconds' ? Date.parse(on) > Date.parse(through) : on > through.slice(0, 10);
    if (past) break;
    out.push(on);
  }
  return out;
}
