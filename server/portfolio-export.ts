import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { rateProgramme } from '../domain/portfolio-health';

/**
 * The portfolio as a CSV a French spreadsheet opens as it is: `;` separators, a BOM for the
 * accents, dates in Paris time written as people write them (30/11/2026 18:00), template
 * names and French states rather than codes, and every cell that a spreadsheet would run as
 * a formula (=, +, -, @, tab, carriage return first) neutralised with a leading apostrophe
 * (OWASP "CSV injection"). Every row is written: no cap.
 *
 * The same rows as an XLSX workbook: dates are real spreadsheet dates (Paris wall-clock time,
 * shown as 30/11/2026 18:00), numbers are numbers, and a text that looks like a formula is a text
 * cell in the Text format: shown as typed, never run, even once edited.
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
  return looksLikeFormula(value) ? `'${value}` : value;
}

/** The export's table, once for both formats: names and words, dates still as values. */
interface PortfolioLine {
  title: string;
  parentTitle: string;
  templateName: string;
  status: string;
  health: string;
  startDate: string;
  nextDueAt: Date | null;
  lateSteps: number;
}

function buildPortfolioLines(rows: PortfolioRow[], templateNames: Map<string, string>, now: Date, locale: ExportLocale): PortfolioLine[] {
  const words = WORDS[locale];
  const rag = (r: PortfolioRow) => (r.status !== 'active' ? 'none' : rateProgramme(r.lateSteps, r.nextDueAt, now).rag);
  return rows.map((r) => ({
    title: r.title,
    parentTitle: r.parentTitle ?? '',
    templateName: templateNames.get(`${r.templateKey}@${r.templateVersion}`) ?? templateNames.get(r.templateKey) ?? r.templateKey,
    status: words.status[r.status],
    health: words.rag[rag(r)],
    startDate: r.startDate,
    nextDueAt: r.nextDueAt,
    lateSteps: r.lateSteps,
  }));
}

export function buildPortfolioCsv(rows: PortfolioRow[], templateNames: Map<string, string>, now: Date, locale: ExportLocale = 'fr'): string {
  const data = buildPortfolioLines(rows, templateNames, now, locale).map((r) => [
    r.title,
    r.parentTitle,
    r.templateName,
    r.status,
    r.health,
    formatCalendarDate(r.startDate),
    r.nextDueAt ? formatParisDateTime(r.nextDueAt, locale) : '',
    r.lateSteps,
  ]);
  const cells = [WORDS[locale].headers, ...data].map((row) => row.map((c) => (typeof c === 'string' ? neutraliseFormula(c) : c)));
  // The BOM makes Excel read UTF-8; CRLF is what RFC 4180 and Excel expect.
  return `\uFEFF${Papa.unparse(cells, { delimiter: ';', newline: '\r\n', quotes: false })}\r\n`;
}

/** A text a spreadsheet would take for a formula if typed (or edited) in its cell. */
export function looksLikeFormula(value: string): boolean {
  return /^[=+\-@\t\r]/.test(value);
}

/**
 * The Paris wall-clock time of an instant, as the date a spreadsheet stores: spreadsheet dates
 * have no time zone, and exceljs writes a Date by its UTC fields.
 */
export function parisSpreadsheetDate(at: Date): Date {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' })
      .formatToParts(at)
      .map((p) => [p.type, Number(p.value)]),
  ) as Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number>;
  return new Date(Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second));
}

/** "2026-11-28" as a spreadsheet date (midnight, no time zone). */
function calendarSpreadsheetDate(date: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d));
}

/** Excel's "Text" number format: what is typed in the cell stays text. */
export const TEXT_FORMAT = '@';
export const PORTFOLIO_DATE_FORMAT = 'dd/mm/yyyy';
export const PORTFOLIO_DATE_TIME_FORMAT = 'dd/mm/yyyy hh:mm';
const SHEET_NAME: Record<ExportLocale, string> = { fr: 'Portefeuille', en: 'Portfolio' };

export async function buildPortfolioXlsx(rows: PortfolioRow[], templateNames: Map<string, string>, now: Date, locale: ExportLocale = 'fr'): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Jalons';
  workbook.created = now;
  const sheet = workbook.addWorksheet(SHEET_NAME[locale], { views: [{ state: 'frozen', ySplit: 1 }] });
  const widths = [50, 40, 40, 14, 16, 18, 20, 16];
  sheet.columns = WORDS[locale].headers.map((header, i) => ({ header, width: widths[i] }));
  sheet.getRow(1).font = { bold: true };
  sheet.getColumn(6).numFmt = PORTFOLIO_DATE_FORMAT;
  sheet.getColumn(7).numFmt = PORTFOLIO_DATE_TIME_FORMAT;
  for (const r of buildPortfolioLines(rows, templateNames, now, locale)) {
    const row = sheet.addRow([r.title, r.parentTitle || null, r.templateName, r.status, r.health || null, calendarSpreadsheetDate(r.startDate), r.nextDueAt ? parisSpreadsheetDate(r.nextDueAt) : null, r.lateSteps]);
    row.eachCell((cell) => {
      // A string value is never a formula in the file; the Text format keeps it one when the cell is edited too.
      if (typeof cell.value === 'string' && looksLikeFormula(cell.value)) cell.numFmt = TEXT_FORMAT;
    });
  }
  sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: widths.length } };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
