/**
 * The one formatter of dates people read (UI, e-mails, calendar descriptions): Europe/Paris,
 * "14 décembre 2026, 18 h 00" in French, "14 December 2026, 18:00" in English. Plain Intl, no
 * dependency, so the web bundle imports it too (web/src/lib/format.ts).
 */
export type DisplayLocale = 'fr' | 'en';

const PARIS = 'Europe/Paris';
const dateFormatters = new Map<string, Intl.DateTimeFormat>();
const clockFormatter = new Intl.DateTimeFormat('en-GB', { timeZone: PARIS, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

function dateFormatter(locale: DisplayLocale, weekday: boolean): Intl.DateTimeFormat {
  const key = `${locale}:${weekday}`;
  let formatter = dateFormatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'fr-FR', { timeZone: PARIS, day: 'numeric', month: 'long', year: 'numeric', ...(weekday ? { weekday: 'long' } : {}) });
    dateFormatters.set(key, formatter);
  }
  return formatter;
}

function toDate(value: string | Date): Date {
  if (value instanceof Date) return value;
  // A bare calendar date is that day in Paris (noon UTC is that day in every offset Paris uses).
  return /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T12:00:00Z`) : new Date(value);
}

/** "18 h 00" (fr) or "18:00" (en) from a Paris wall-clock time "HH:mm". */
export function formatClockTime(time: string, locale: DisplayLocale = 'fr'): string {
  const [hours, minutes] = time.split(':');
  return locale === 'en' ? `${hours}:${minutes}` : `${hours} h ${minutes}`;
}

/** "14 décembre 2026" (a calendar date or an instant, as a date in Paris). */
export function formatParisDate(value: string | Date, locale: DisplayLocale = 'fr', options: { weekday?: boolean } = {}): string {
  return dateFormatter(locale, options.weekday ?? false).format(toDate(value));
}

/** "14 décembre 2026, 18 h 00": an instant (a due date with its closing hour) in Paris. */
export function formatParisDateTime(value: string | Date, locale: DisplayLocale = 'fr', options: { weekday?: boolean } = {}): string {
  const date = toDate(value);
  return `${formatParisDate(date, locale, options)}, ${formatClockTime(clockFormatter.format(date), locale)}`;
}

const monthFormatters: Record<DisplayLocale, Intl.DateTimeFormat> = {
  fr: new Intl.DateTimeFormat('fr-FR', { timeZone: 'UTC', month: 'long', year: 'numeric' }),
  en: new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', month: 'long', year: 'numeric' }),
};

/**
 * A periodic indicator's period (domain/indicator-periods.ts: `2026-03`, `2026-Q1`, `2026`) as
 * people write it: "mars 2026", "1er trimestre 2026", "2026" (English: "March 2026", "Q1 2026").
 */
export function formatPeriod(period: string, locale: DisplayLocale = 'fr'): string {
  if (/^\d{4}$/.test(period)) return period;
  const year = period.slice(0, 4);
  if (period[5] === 'Q') {
    const quarter = Number(period.slice(6));
    return locale === 'en' ? `Q${quarter} ${year}` : `${quarter === 1 ? '1er' : `${quarter}e`} trimestre ${year}`;
  }
  return monthFormatters[locale].format(new Date(`${period}-15T12:00:00Z`));
}
