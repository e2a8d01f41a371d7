import { FRENCH_PUBLIC_HOLIDAYS } from './french-public-holidays';
import { HOLIDAY_YEARS } from './holiday-years';

export type DurationUnit = 'calendarDays' | 'workingDays' | 'seconds';
/** What a due date that falls on a weekend or a French public holiday becomes. */
export type NonWorkingDayRule = 'nextWorkingDay' | 'previousWorkingDay' | 'none';

/** The one range of dates the product accepts (API, templates, computed due dates). */
export const DATE_RANGE = { min: '1990-01-01', max: '2100-12-31' } as const;

const PARIS = 'Europe/Paris';
const DAY_MS = 86_400_000;

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
}

// hourCycle 'h23' avoids the "24:00" some ICU versions emit for midnight with hour12: false.
const parisFormatter = new Intl.DateTimeFormat('en-US', {
  timeZone: PARIS,
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

const publicHolidaysByYear = new Map<number, ReadonlySet<string>>();

/** Adds `amount` units to `from`; day units keep the Europe/Paris wall-clock time of day. */
export function addDuration(from: Date, amount: number, unit: DurationUnit): Date {
  assertValidInstant(from);
  if (!Number.isFinite(amount)) throw new RangeError(`amount must be finite, got ${amount}`);
  switch (unit) {
    case 'seconds':
      return new Date(from.getTime() + amount * 1000);
    case 'calendarDays': {
      assertInteger(amount, unit);
      const wall = readParisWallClock(from);
      return wallClockToInstant(shiftWallDate(wall, amount));
    }
    case 'workingDays': {
      assertInteger(amount, unit);
      const wall = readParisWallClock(from);
      return wallClockToInstant(shiftWallDateByWorkingDays(wall, amount));
    }
    default: {
      const unknownUnit: never = unit;
      throw new RangeError(`unknown duration unit: ${String(unknownUnit)}`);
    }
  }
}

/** True when the Europe/Paris calendar date of `date` is Monday–Friday and not a French public holiday. */
export function isFrenchWorkingDay(date: Date): boolean {
  assertValidInstant(date);
  const wall = readParisWallClock(date);
  return isWorkingWallDate(wall.year, wall.month, wall.day);
}

/** 'YYYY-MM-DD' of `instant` as seen in Europe/Paris. */
export function toParisDate(instant: Date): string {
  assertValidInstant(instant);
  const wall = readParisWallClock(instant);
  return formatIsoDate(wall.year, wall.month, wall.day);
}

/**
 * The instant at which Paris clocks show `date` `time` ('HH:mm' or 'HH:mm:ss').
 * A time skipped by the spring-forward gap is pushed forward by the gap; a time
 * repeated in autumn resolves to its first (summer-time) occurrence.
 */
export function parisDateToInstant(date: string, time = '09:00'): Date {
  const dateMatch = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!dateMatch) throw new RangeError(`expected a YYYY-MM-DD date, got '${date}'`);
  const timeMatch = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(time);
  if (!timeMatch) throw new RangeError(`expected an HH:mm time, got '${time}'`);
  const wall: WallClock = {
    year: Number(dateMatch[1]),
    month: Number(dateMatch[2]),
    day: Number(dateMatch[3]),
    hour: Number(timeMatch[1]),
    minute: Number(timeMatch[2]),
    second: Number(timeMatch[3] ?? 0),
    millisecond: 0,
  };
  const probe = new Date(utcEpoch(wall.year, wall.month - 1, wall.day));
  if (probe.getUTCFullYear() !== wall.year || probe.getUTCMonth() !== wall.month - 1 || probe.getUTCDate() !== wall.day) {
    throw new RangeError(`no such calendar date: '${date}'`);
  }
  if (wall.hour > 23 || wall.minute > 59 || wall.second > 59) throw new RangeError(`no such time of day: '${time}'`);
  return wallClockToInstant(wall);
}

/** True when `date` ('YYYY-MM-DD') is a real calendar date inside DATE_RANGE. */
export function isDateInRange(date: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(utcEpoch(year, month - 1, day));
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return false;
  return date >= DATE_RANGE.min && date <= DATE_RANGE.max;
}

/** True when the Paris calendar date of an ISO instant is inside DATE_RANGE. */
export function isInstantInRange(instant: string): boolean {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) return false;
  const date = new Date(ms);
  return date.getUTCFullYear() >= 1989 && date.getUTCFullYear() <= 2101 && isDateInRange(toParisDate(date));
}

/** True when `date` ('YYYY-MM-DD') is Monday–Friday and not a French public holiday. */
export function isWorkingDate(date: string): boolean {
  const wall = parseIsoDate(date);
  return isWorkingWallDate(wall.year, wall.month, wall.day);
}

/** `date` moved by `amount` working days (negative: backwards); 0 gives `date` itself. */
export function addWorkingDaysToDate(date: string, amount: number): string {
  assertInteger(amount, 'workingDays');
  let current = parseIsoDate(date);
  const step = amount > 0 ? 1 : -1;
  let remaining = Math.abs(amount);
  while (remaining > 0) {
    current = shiftWallDate(current, step);
    if (isWorkingWallDate(current.year, current.month, current.day)) remaining -= 1;
  }
  return formatIsoDate(current.year, current.month, current.day);
}

/** The first working day on or after (`next`) or on or before (`previous`) `date`. */
export function nearestWorkingDate(date: string, direction: 'next' | 'previous'): string {
  let current = parseIsoDate(date);
  while (!isWorkingWallDate(current.year, current.month, current.day)) current = shiftWallDate(current, direction === 'next' ? 1 : -1);
  return formatIsoDate(current.year, current.month, current.day);
}

/** Applies a template's non-working-day rule to a due instant, keeping its Paris time of day. */
export function applyNonWorkingDayRule(instant: Date, rule: NonWorkingDayRule): Date {
  assertValidInstant(instant);
  if (rule === 'none') return instant;
  const wall = readParisWallClock(instant);
  const date = formatIsoDate(wall.year, wall.month, wall.day);
  const moved = nearestWorkingDate(date, rule === 'nextWorkingDay' ? 'next' : 'previous');
  if (moved === date) return instant;
  const { year, month, day } = parseIsoDate(moved);
  return wallClockToInstant({ ...wall, year, month, day });
}

/** 'HH:mm' of `instant` in Paris. */
export function toParisTime(instant: Date): string {
  const wall = readParisWallClock(instant);
  return `${String(wall.hour).padStart(2, '0')}:${String(wall.minute).padStart(2, '0')}`;
}

function parseIsoDate(date: string): WallClock {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new RangeError(`expected a YYYY-MM-DD date, got '${date}'`);
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]), hour: 0, minute: 0, second: 0, millisecond: 0 };
}

function shiftWallDateByWorkingDays(wall: WallClock, amount: number): WallClock {
  let current = wall;
  if (amount === 0) {
    while (!isWorkingWallDate(current.year, current.month, current.day)) current = shiftWallDate(current, 1);
    return current;
  }
  const step = amount > 0 ? 1 : -1;
  let remaining = Math.abs(amount);
  while (remaining > 0) {
    current = shiftWallDate(current, step);
    if (isWorkingWallDate(current.year, current.month, current.day)) remaining -= 1;
  }
  return current;
}

// Date arithmetic on the wall-clock date itself, via UTC, so DST never moves the day.
function shiftWallDate(wall: WallClock, days: number): WallClock {
  const shifted = new Date(utcEpoch(wall.year, wall.month - 1, wall.day) + days * DAY_MS);
  return {
    ...wall,
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
  };
}

function isWorkingWallDate(year: number, month: number, day: number): boolean {
  const weekday = new Date(utcEpoch(year, month - 1, day)).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  return !listPublicHolidays(year).has(formatIsoDate(year, month, day));
}

/**
 * The year's French public holidays as 'YYYY-MM-DD', from the table generated from date-holidays
 * (pure data, so the workflow can compute due dates itself: issue 21). RangeError outside HOLIDAY_YEARS.
 */
function listPublicHolidays(year: number): ReadonlySet<string> {
  const cached = publicHolidaysByYear.get(year);
  if (cached) return cached;
  const days = FRENCH_PUBLIC_HOLIDAYS[year];
  if (days === undefined) throw new RangeError(`no holiday calendar for ${year} (known: ${HOLIDAY_YEARS.first}–${HOLIDAY_YEARS.last})`);
  const dates: ReadonlySet<string> = new Set(days.split(' ').map((monthDay) => `${String(year).padStart(4, '0')}-${monthDay}`));
  publicHolidaysByYear.set(year, dates);
  return dates;
}

function readParisWallClock(instant: Date): WallClock {
  const parts: Record<string, number> = {};
  for (const part of parisFormatter.formatToParts(instant)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year ?? NaN,
    month: parts.month ?? NaN,
    day: parts.day ?? NaN,
    hour: parts.hour ?? NaN,
    minute: parts.minute ?? NaN,
    second: parts.second ?? NaN,
    millisecond: instant.getUTCMilliseconds(),
  };
}

/** Offset of Paris from UTC at `epochMs`, in milliseconds (3_600_000 in winter). */
function readParisOffset(epochMs: number): number {
  const wall = readParisWallClock(new Date(epochMs));
  return wallClockAsUtc(wall) - epochMs;
}

function wallClockToInstant(wall: WallClock): Date {
  const naive = wallClockAsUtc(wall);
  // Paris changes offset at most once in any 48 h window, so the offsets a day
  // either side bound every candidate instant for this wall-clock time.
  const offsetBefore = readParisOffset(naive - DAY_MS);
  const offsetAfter = readParisOffset(naive + DAY_MS);
  const candidates = [naive - offsetBefore, naive - offsetAfter]
    .filter((epochMs) => wallClockAsUtc(readParisWallClock(new Date(epochMs))) === naive)
    .sort((a, b) => a - b);
  // No candidate means the time falls in the spring-forward gap: keep the
  // pre-transition offset, which lands just after the gap.
  return new Date(candidates[0] ?? naive - offsetBefore);
}

function wallClockAsUtc(wall: WallClock): number {
  return utcEpoch(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second, wall.millisecond);
}

/**
 * Date.UTC without its legacy quirk: Date.UTC maps years 0–99 to 1900–1999, so '0099-12-31'
 * became 1999-12-31 and failed the calendar-date check forever. setUTCFullYear takes the year as is.
 */
function utcEpoch(year: number, month0: number, day: number, hour = 0, minute = 0, second = 0, millisecond = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month0, day);
  date.setUTCHours(hour, minute, second, millisecond);
  return date.getTime();
}

function formatIsoDate(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function assertValidInstant(date: Date): void {
  if (!(date instanceof Date) || Number.isNaN(date.getTime())) throw new RangeError('expected a valid Date');
}

function assertInteger(amount: number, unit: DurationUnit): void {
  if (!Number.isInteger(amount)) throw new RangeError(`${unit} amount must be an integer, got ${amount}`);
}
