/**
 * Periodic indicators (issue 19): counts entered per month, quarter or year, optionally per
 * dimension value (a site), corrected by later entries that keep the earlier ones. The one home
 * of periods, cells and the current value of a cell; the workflow, the API, the report and the
 * web page all read them from here. Pure; no I/O, no Intl (runs inside workflows).
 */
import { toParisDate } from './calendar';

export type IndicatorPeriodKind = 'month' | 'quarter' | 'year';

/** One entry as the workflow keeps it: a correction is a later entry for the same cell. */
export interface IndicatorEntry {
  /** `2026-03` (month), `2026-Q1` (quarter) or `2026` (year). */
  period: string;
  /** Dimension key → value key, e.g. { site: 'gresilles' }; absent when the indicator has no dimensions. */
  dimensions?: Record<string, string>;
  value: number;
  /** User id of who entered it. */
  by: string;
  /** ISO instant. */
  at: string;
}

const PATTERNS: Record<IndicatorPeriodKind, RegExp> = {
  month: /^(\d{4})-(0[1-9]|1[0-2])$/,
  quarter: /^(\d{4})-Q([1-4])$/,
  year: /^(\d{4})$/,
};

/** Is `period` written as a period of this kind (and a year from 2000 to 2100)? */
export function isPeriodOf(kind: IndicatorPeriodKind, period: string): boolean {
  const match = PATTERNS[kind].exec(period);
  if (!match) return false;
  const year = Number(match[1]);
  return year >= 2000 && year <= 2100;
}

/** The period of this kind that contains a Paris calendar date (YYYY-MM-DD). */
export function periodOfDate(kind: IndicatorPeriodKind, date: string): string {
  const year = date.slice(0, 4);
  const month = Number(date.slice(5, 7));
  if (kind === 'year') return year;
  if (kind === 'quarter') return `${year}-Q${Math.ceil(month / 3)}`;
  return date.slice(0, 7);
}

/** The period of this kind the instant falls in, in Paris. */
export function periodOfInstant(kind: IndicatorPeriodKind, instant: Date): string {
  return periodOfDate(kind, toParisDate(instant));
}

/** The same period one year earlier (`2026-03` → `2025-03`, `2026-Q2` → `2025-Q2`, `2026` → `2025`). */
export function previousYearPeriod(period: string): string {
  return `${Number(period.slice(0, 4)) - 1}${period.slice(4)}`;
}

/** The periods of one calendar year, in order: 12 months, 4 quarters or the year itself. */
export function periodsOfYear(kind: IndicatorPeriodKind, year: number): string[] {
  if (kind === 'year') return [String(year)];
  if (kind === 'quarter') return [1, 2, 3, 4].map((q) => `${year}-Q${q}`);
  return Array.from({ length: 12 }, (_, m) => `${year}-${String(m + 1).padStart(2, '0')}`);
}

/** A cell's identity: the period and its dimension values in key order (so `{a,b}` and `{b,a}` are one cell). */
export function cellKeyOf(entry: Pick<IndicatorEntry, 'period' | 'dimensions'>): string {
  const dims = Object.entries(entry.dimensions ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return [entry.period, ...dims.map(([k, v]) => `${k}=${v}`)].join('|');
}

export interface IndicatorCell {
  period: string;
  dimensions: Record<string, string>;
  /** The latest entry. */
  current: IndicatorEntry;
  /** Earlier entries for the cell, oldest first: what the latest corrected. */
  earlier: IndicatorEntry[];
}

/** Entries grouped by cell, each with its current (latest) entry and what it corrected; cells in entry order. */
export function indicatorCells(entries: readonly IndicatorEntry[]): IndicatorCell[] {
  const cells = new Map<string, IndicatorCell>();
  for (const entry of entries) {
    const key = cellKeyOf(entry);
    const cell = cells.get(key);
    if (cell) {
      cell.earlier.push(cell.current);
      cell.current = entry;
    } else {
      cells.set(key, { period: entry.period, dimensions: { ...(entry.dimensions ?? {}) }, current: entry, earlier: [] });
    }
  }
  return [...cells.values()];
}

/** The indicator's running total: the sum of every cell's current value. */
export function totalOfCells(entries: readonly IndicatorEntry[]): number {
  return indicatorCells(entries).reduce((sum, cell) => sum + cell.current.value, 0);
}

/** The sum of the current values for one period (over all its dimension values). */
export function totalOfPeriod(entries: readonly IndicatorEntry[], period: string): number {
  return indicatorCells(entries)
    .filter((cell) => cell.period === period)
    .reduce((sum, cell) => sum + cell.current.value, 0);
}

/** The current value of one cell, or undefined when nothing was entered for it. */
export function currentValueOf(entries: readonly IndicatorEntry[], period: string, dimensions: Record<string, string> = {}): number | undefined {
  const key = cellKeyOf({ period, dimensions });
  let value: number | undefined;
  for (const entry of entries) if (cellKeyOf(entry) === key) value = entry.value;
  return value;
}

/** The first and last calendar days (YYYY-MM-DD) of a period of any kind. */
export function periodBounds(period: string): { first: string; last: string } {
  const year = Number(period.slice(0, 4));
  const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
  const iso = (y: number, m: number, d: number) => `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  if (period.length === 4) return { first: iso(year, 1, 1), last: iso(year, 12, 31) };
  if (period[5] === 'Q') {
    const q = Number(period.slice(6));
    return { first: iso(year, q * 3 - 2, 1), last: iso(year, q * 3, lastDay(year, q * 3)) };
  }
  const month = Number(period.slice(5, 7));
  return { first: iso(year, month, 1), last: iso(year, month, lastDay(year, month)) };
}

/** The periods of a kind that overlap the calendar days `from`–`to` (YYYY-MM-DD), in order; 240 at most. */
export function periodsBetween(kind: IndicatorPeriodKind, from: string, to: string): string[] {
  const periods: string[] = [];
  for (let year = Number(from.slice(0, 4)); year <= Number(to.slice(0, 4)) && periods.length < 240; year++) {
    for (const period of periodsOfYear(kind, year)) {
      const { first, last } = periodBounds(period);
      if (last >= from && first <= to) periods.push(period);
    }
  }
  return periods;
}
