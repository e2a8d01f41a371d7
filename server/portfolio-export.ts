import Papa from 'papaparse';
import { rateProgramme } from '../domain/portfolio-health';

/**
 * The portfolio as a CSV a French spreadsheet opens as it is: `;` separators, a BOM for the
 * accents, dates in Paris time written as people write them (30/11/2026 18:00), template
 * names and French states rather than codes, and every cell that a spreadsheet would run as
 * a formula (=, +, -, @, tab, carriage return first) neutralised with a leading apostrophe
 * (OWASP "CSV injection"). Every row is written: no cap.
 */
export type ExportLocale = 'fr' | 'en';

export interface PortfolioRow {
  title: string;
  templateKey: string;
  templateVersion: number;
  status: 'active' | 'paused' | 'completed' | 'cancelled';
  startDate: string;
  lateSteps: number;
  nextDueAt: Date | null;
  parentTitle: string | null;
}

const WORDS: Record<ExportLocale, { headers: string[]; status: Record<PortfolioRow['status'], string>; rag: Record<'red' | 'amber' | 'green' | 'none', string>; locale: string }> = {
  fr: {
    headers: ['Programme', 'Programme parent', 'Modèle', 'État', 'Santé', 'Date de démarrage', 'Prochaine échéance', 'Étapes en retard'],
    status: { active: 'en cours', paused: 'en pause', completed: 'terminé', cancelled: 'annulé' },
    rag: { red: 'En retard', amber: 'À surveiller', green: 'Dans les temps', none: '' },
    locale: 'fr-FR',
  },
  en: {
    headers: ['Programme', 'Parent programme', 'Template', 'Status', 'Health', 'Start date', 'Next due date', 'Late steps'],
    status: { active: 'in progress', paused: 'paused', completed: 'completed', cancelled: 'cancelled' },
    rag: { red: 'Late', amber: 'To watch', green: 'On time', none: '' },
    locale: 'en-GB',
  },
};

/** "30/11/2026 18:00" in Paris time (a French spreadsheet reads it as a date and time). */
export function formatParisDateTime(at: Date, locale: ExportLocale = 'fr'): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat(WORDS[locale].locale, { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.day}/${parts.month}/${parts.year} ${parts.hour}:${parts.minute}`;
}

/** "2026-11-28" → "28/11/2026". */
export function formatCalendarDate(date: string): string {
  const [y, m, d] = date.split('-');
  return `${d}/${m}/${y}`;
}

/** A cell a spreadsheet would evaluate is made text (a leading apostrophe, shown by none). */
export function neutraliseFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function buildPortfolioCsv(rows: PortfolioRow[], templateNames: Map<string, string>, now: Date, locale: ExportLocale = 'fr'): string {
  const words = WORDS[locale];
  const rag = (r: PortfolioRow) => (r.status !== 'active' ? 'none' : rateProgramme(r.lateSteps, r.nextDueAt, now).rag);
  const data = rows.map((r) => [
    r.title,
    r.parentTitle ?? '',
    templateNames.get(`${r.templateKey}@${r.templateVersion}`) ?? templateNames.get(r.templateKey) ?? r.templateKey,
    words.status[r.status],
    words.rag[rag(r)],
    formatCalendarDate(r.startDate),
    r.nextDueAt ? formatParisDateTime(r.nextDueAt, locale) : '',
    r.lateSteps,
  ]);
  const cells = [words.headers, ...data].map((row) => row.map((c) => (typeof c === 'string' ? neutraliseFormula(c) : c)));
  // The BOM makes Excel read UTF-8; CRLF is what RFC 4180 and Excel expect.
  return `\uFEFF${Papa.unparse(cells, { delimiter: ';', newline: '\r\n', quotes: false })}\r\n`;
}
