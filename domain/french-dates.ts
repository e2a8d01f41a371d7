/**
 * Dates as the agency writes them in a report: "14 décembre 2026", "14 décembre 2026, 18 h 00",
 * always as seen in Europe/Paris. Pure; no I/O.
 */
import { toParisDate } from './calendar';

const PARIS = 'Europe/Paris';
const LONG_DATE = new Intl.DateTimeFormat('fr-FR', { timeZone: PARIS, day: 'numeric', month: 'long', year: 'numeric' });
const TIME = new Intl.DateTimeFormat('fr-FR', { timeZone: PARIS, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const MONTH = new Intl.DateTimeFormat('fr-FR', { timeZone: 'UTC', month: 'long', year: 'numeric' });

const DAY_MS = 86_400_000;

/** A calendar date (YYYY-MM-DD, read as that day) or an instant (read in Paris) as "14 décembre 2026". */
export function formatFrenchDate(value: string | Date): string {
  const instant = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00Z`) : new Date(value);
  // The first of the month is written "1er" in French.
  return LONG_DATE.format(instant).replace(/^1 /, '1er ');
}

/** An instant as "14 décembre 2026, 18 h 00" in Paris. */
export function formatFrenchDateTime(value: string | Date): string {
  const instant = new Date(value);
  const [hours, minutes] = TIME.format(instant).split(':');
  return `${formatFrenchDate(instant)}, ${hours} h ${minutes}`;
}

/** "2026-12" as "décembre 2026". */
export function formatFrenchMonth(month: string): string {
  return MONTH.format(new Date(`${month}-15T12:00:00Z`));
}

/** Whole calendar days from one Paris day to another (instants or YYYY-MM-DD); negative when `to` is earlier. */
export function parisDaysBetween(from: string | Date, to: string | Date): number {
  const day = (v: string | Date) => (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? v : toParisDate(new Date(v)));
  return Math.round((Date.parse(`${day(to)}T00:00:00Z`) - Date.parse(`${day(from)}T00:00:00Z`)) / DAY_MS);
}

/** Paris month (YYYY-MM) of an instant. */
export function parisMonthOf(instant: string | Date): string {
  return toParisDate(new Date(instant)).slice(0, 7);
}
