import i18next from 'i18next';
import { formatClockTime, formatParisDate, formatParisDateTime, formatPeriod as formatParisPeriod, type DisplayLocale } from '../../../domain/paris-format';

const PARIS = 'Europe/Paris';
const displayLocale = (): DisplayLocale => (i18next.language === 'en' ? 'en' : 'fr');
const locale = () => (displayLocale() === 'en' ? 'en-GB' : 'fr-FR');

/** A calendar date (YYYY-MM-DD) or an instant, shown as a date in Paris time. */
export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  return formatParisDate(value, displayLocale());
}

/** An instant in Paris time: "14 décembre 2026, 18 h 00" (due dates with their closing hour, journal entries). */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—';
  return formatParisDateTime(value, displayLocale());
}

/** A Paris wall-clock time "HH:mm" as people read it: "18 h 00". */
export function formatTime(value: string): string {
  return formatClockTime(value, displayLocale());
}

export function formatBytes(bytes: number): string {
  const units = ['o', 'ko', 'Mo'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${new Intl.NumberFormat(locale(), { maximumFractionDigits: 1 }).format(value)} ${units[unit]}`;
}

export function formatNumber(value: number): string {
  return new Intl.NumberFormat(locale()).format(value);
}

/** Today as YYYY-MM-DD in Paris, for date inputs. */
export function todayInParis(): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: PARIS }).format(new Date());
}

/** Phases and steps carry both names; show the one of the chosen language. */
export function localName(item: { name: string; nameEn?: string }): string {
  return i18next.language === 'en' && item.nameEn ? item.nameEn : item.name;
}

/** A periodic indicator's period in the reader's language: "mars 2026", "1er trimestre 2026" (domain/paris-format.ts). */
export function formatPeriod(period: string): string {
  return formatParisPeriod(period, displayLocale());
}
