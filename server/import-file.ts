import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { IMPORT_COLUMN_HELP, IMPORT_COLUMNS, IMPORT_MODEL_ROWS, normaliseHeader, type RawRow } from '../domain/import-sheet';
import { AppError } from './errors';

/**
 * Reads an import spreadsheet into rows of text cells keyed by normalised header: XLSX (first
 * sheet; date cells as JJ/MM/AAAA, numbers as numbers) or CSV in the French Excel dialect (`;`,
 * also `,` or tab when the file uses them; UTF-8 with or without BOM, else Windows-1252).
 */
export interface SheetRows {
  headers: string[];
  rows: RawRow[];
}

const pad = (n: number) => String(n).padStart(2, '0');

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  // Excel dates are wall-clock dates: exceljs gives them as UTC midnights.
  if (value instanceof Date) return `${pad(value.getUTCDate())}/${pad(value.getUTCMonth() + 1)}/${value.getUTCFullYear()}`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value;
  if ('richText' in value) return value.richText.map((r) => r.text).join('');
  if ('result' in value) return cellText((value as { result?: ExcelJS.CellValue }).result ?? null);
  if ('text' in value) return String((value as { text: unknown }).text);
  return '';
}

function toRows(table: string[][]): SheetRows {
  const [header = [], ...body] = table;
  const headers = header.map((h) => normaliseHeader(h ?? ''));
  return { headers, rows: body.map((cells) => Object.fromEntries(headers.map((h, i) => [h, (cells[i] ?? '').trim()]))) };
}

async function readXlsx(buffer: Buffer): Promise<SheetRows> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  } catch {
    throw new AppError('unreadable_file', 'Unreadable XLSX file.', [{ path: 'body.content', message: 'not a readable XLSX workbook', code: 'unreadable_xlsx' }]);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return { headers: [], rows: [] };
  const table: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cells[col - 1] = cellText(cell.value);
    });
    table[rowNumber - 1] = Array.from(cells, (c) => c ?? '');
  });
  return toRows(Array.from(table, (r) => r ?? []));
}

function decodeText(buffer: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buffer).replace(/^\uFEFF/, '');
  } catch {
    // Excel on Windows saves "CSV (séparateur : point-virgule)" in Windows-1252.
    return new TextDecoder('windows-1252').decode(buffer);
  }
}

function readCsv(buffer: Buffer): SheetRows {
  const parsed = Papa.parse<string[]>(decodeText(buffer), { delimiter: '', delimitersToGuess: [';', ',', '\t'], skipEmptyLines: false });
  // Trailing empty lines are not rows; empty lines inside keep their numbers.
  const table = parsed.data;
  while (table.length && table[table.length - 1]!.every((c) => c.trim() === '')) table.pop();
  return toRows(table);
}

export async function readImportFile(fileName: string, buffer: Buffer): Promise<SheetRows> {
  const zip = buffer.subarray(0, 2).toString('latin1') === 'PK';
  if (/\.xlsx$/i.test(fileName) || zip) return readXlsx(buffer);
  if (/\.(csv|txt)$/i.test(fileName)) return readCsv(buffer);
  throw new AppError('unsupported_media_type', 'Send an .xlsx or a .csv file.', undefined, undefined, { reason: 'import_file_type' });
}

/** The model workbook: the columns with DEFI's example lines, and a sheet explaining each column. */
export async function renderImportModelXlsx(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('Import');
  sheet.columns = IMPORT_COLUMNS.map((c) => ({ header: c, key: c, width: c === 'note' ? 40 : 22 }));
  sheet.getRow(1).font = { bold: true };
  for (const row of IMPORT_MODEL_ROWS) sheet.addRow(row);
  // Dates and keys typed as text, so that Excel keeps JJ/MM/AAAA as written.
  sheet.getColumn('date').numFmt = '@';
  const help = workbook.addWorksheet('Colonnes');
  help.columns = [
    { header: 'colonne', width: 16 },
    { header: 'contenu', width: 110 },
  ];
  help.getRow(1).font = { bold: true };
  for (const c of IMPORT_COLUMNS) help.addRow([c, IMPORT_COLUMN_HELP[c]]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The model as CSV in the French Excel dialect (`;`, UTF-8 with BOM, CRLF). */
export function renderImportModelCsv(): string {
  return `\uFEFF${Papa.unparse({ fields: [...IMPORT_COLUMNS], data: IMPORT_MODEL_ROWS.map((r) => IMPORT_COLUMNS.map((c) => r[c])) }, { delimiter: ';', newline: '\r\n' })}\r\n`;
}
