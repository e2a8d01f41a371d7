import { mkdirSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser } from 'playwright-core';
import { IMPORT_MODEL_ORGANISATIONS } from '../../domain/import-sheet';
import { accessibilityProblems, launchChromium, openPage, signIn, type WatchedPage } from '../support/browser';
import { apiClient, createOrganisation, createUser, startHarness, type Harness, type TestUser } from '../support/harness';
import { runTenderToNotification } from '../support/tender-flow';

const SCREENSHOTS = path.resolve(__dirname, '../../docs/screenshots');

/**
 * The funders' report end to end in Debian's Chromium: a manager opens DEFI, follows the link to
 * its report, reads the indicators against targets and the evaluation tender's compliance record,
 * downloads the XLSX and the PDF; a screenshot of the report is kept in docs/screenshots.
 */
/** The organisation of that name (the suite shares one database: another test may have made it). */
async function organisationNamed(h: Harness, name: string, kind: string): Promise<string> {
  const existing = await h.prisma.organisation.findUnique({ where: { name } });
  return existing?.id ?? createOrganisation(h, name, kind);
}

describe("funders' report in the browser (Chromium)", () => {
  let h: Harness;
  let browser: Browser;
  let coordinator: TestUser;
  let manager: TestUser;
  let defiId: string;
  const opened: WatchedPage[] = [];

  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    browser = await launchChromium();
    coordinator = await createUser(h, 'coordinator');
    manager = await createUser(h, 'manager');
    const api = apiClient(h.apiUrl);
    const res = await api.post('/api/v1/programmes', { templateKey: 'defi', title: 'DEFI — Destination Formation Innovante', startDate: '2021-01-04' }, coordinator.token);
    expect(res.status).toBe(201);
    defiId = res.body.id;
    const afpa = await organisationNamed(h, 'AFPA', 'training-organisation');
    expect((await api.post(`/api/v1/programmes/${defiId}/partners`, { organisationId: afpa, phaseKey: 'test' }, coordinator.token)).status).toBe(201);
    for (const [key, value] of [['partners-contacted', 40], ['partners-met', 14]] as const) {
      expect((await api.post(`/api/v1/programmes/${defiId}/indicators/${key}`, { value }, coordinator.token)).status).toBe(200);
    }
    expect((await api.post(`/api/v1/programmes/${defiId}/steps/partner-mobilisation/complete`, {}, coordinator.token)).status).toBe(200);
    await runTenderToNotification(h, coordinator, `${defiId}.tender-evaluation`, ['DIDACTION', 'Évaluation Conseil', 'Cabinet Tardif'], [{ price: 15, technical: 16 }, { price: 13, technical: 12 }], {
      organisation: (name) => organisationNamed(h, name, 'contractor'),
    });
  }, 120_000);
  afterAll(async () => {
    for (const w of opened) await w.context.close().catch(() => undefined);
    await browser?.close();
    await h?.stop();
  });

  it('opens the report from the programme page, shows indicators and the tender record, downloads XLSX and PDF', async () => {
    const w = await openPage(browser, h.apiUrl);
    opened.push(w);
    const { page } = w;
    await signIn(page, manager.email, manager.password);
    await page.goto(`/programmes/${encodeURIComponent(defiId)}`);
    await page.getByRole('link', { name: 'Bilan pour les financeurs' }).click();
    await page.waitForURL(`**/programmes/${encodeURIComponent(defiId)}/bilan`);
    await page.getByRole('heading', { name: 'Consultations et marchés' }).waitFor();
    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Bilan pour les financeurs — DEFI — Destination Formation Innovante');
    expect(await page.locator('main, body').first().textContent()).toContain("Creativ'");

    const indicators = page.locator('section[aria-labelledby="report-indicators"] table').first();
    expect(await indicators.locator('tbody tr').allInnerTexts()).toEqual(['Réseaux et organismes de formation contactés\t40\t40\t40\t100 %', 'Réseaux et organismes de formation rencontrés\t14\t14\t14\t100 %']);
    const tender = page.locator('.report-tender').filter({ hasText: 'Consultation évaluation continue' });
    await expect(tender.getByText('titulaire classé premier', { exact: false }).count()).resolves.toBe(1);
    expect(await tender.locator('dl').innerText()).toContain('DIDACTION');
    expect(await tender.locator('table tbody tr').allInnerTexts()).toEqual([expect.stringMatching(/^DIDACTION\t.+\toui\t15\t16\t15,6\t1$/), expect.stringMatching(/^Évaluation Conseil\t.+\toui\t13\t12\t12,4\t2$/)]);
    const enrolments = page.locator('section[aria-labelledby="report-enrolments"] tbody tr').filter({ hasText: 'Phase Test' });
    expect(await enrolments.innerText()).toMatch(/^Phase Test\t1 \/ 1\tAFPA\t/);
    expect(await page.locator('section[aria-labelledby="report-late"] tbody tr').filter({ hasText: 'Mobilisation des partenaires' }).innerText()).toContain('Réalisée en retard');
    expect(await accessibilityProblems(page)).toEqual([]);

    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, '20-bilan-financeurs.png'), fullPage: true });

    const [xlsxDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Télécharger le classeur (XLSX)' }).click()]);
    expect(xlsxDownload.suggestedFilename()).toMatch(/^bilan-defi-destination-formation-innovante-2021-01-04-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile((await xlsxDownload.path())!);
    const tenders = (workbook.getWorksheet('Consultations et marchés')!.getSheetValues() as unknown[][]).filter(Boolean).map((r) => r.slice(1));
    expect(tenders.find((r) => r[0] === 'Consultation évaluation continue')![9]).toBe('DIDACTION');

    const [pdfDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Télécharger le PDF' }).click()]);
    expect(pdfDownload.suggestedFilename()).toMatch(/\.pdf$/);
    const { readFile } = await import('node:fs/promises');
    const pdf = await readFile((await pdfDownload.path())!);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(w.problems).toEqual([]);
  }, 120_000);

  it('imports DEFI as it stood at the end of 2021: check, confirm, the journal at the real dates, the 2021 report with the three tenders', async () => {
    for (const name of IMPORT_MODEL_ORGANISATIONS) await organisationNamed(h, name, 'training-organisation');
    const api = apiClient(h.apiUrl);
    const res = await api.post('/api/v1/programmes', { templateKey: 'defi', title: 'DEFI — reprise de l’historique', startDate: '2021-01-04' }, coordinator.token);
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    const w = await openPage(browser, h.apiUrl);
    opened.push(w);
    const { page } = w;
    await signIn(page, coordinator.email, coordinator.password);
    await page.goto(`/programmes/${encodeURIComponent(id)}`);
    await page.getByRole('link', { name: 'Importer l’historique (tableur)' }).click();
    await page.waitForURL('**/import');
    const model = Buffer.from(await (await fetch(`${h.apiUrl}/api/v1/imports/model.csv`, { headers: { Authorization: `Bearer ${coordinator.token}` } })).arrayBuffer());

    // A bad line first: reported with its number, nothing written.
    const bad = Buffer.concat([model, Buffer.from('DEFI-2021-900;etape;;bricks-run-experimentation;AFPA;22/12/2021;;;;\r\n', 'utf8')]);
    await page.getByLabel('Fichier à importer').setInputFiles({ name: 'defi-2021.csv', mimeType: 'text/csv', buffer: bad });
    await page.getByRole('button', { name: 'Vérifier (sans rien écrire)' }).click();
    await page.getByText('Vérification : 29 ligne(s) à créer, 0 déjà présente(s), 1 en erreur.').waitFor();
    expect(await page.locator('.import-page tbody tr').filter({ hasText: 'DEFI-2021-900' }).innerText()).toContain('avant l’étape « Temps de formation aux professionnels (Expérimentation) » dont elle dépend');
    expect(await page.locator('.import-page tbody tr').filter({ hasText: 'DEFI-2021-900' }).innerText()).toMatch(/^31\t/);
    await page.screenshot({ path: path.join(SCREENSHOTS, '21-import-historique-erreur.png'), fullPage: true });

    await page.getByLabel('Fichier à importer').setInputFiles({ name: 'modele-import-jalons.csv', mimeType: 'text/csv', buffer: model });
    await page.getByRole('button', { name: 'Vérifier (sans rien écrire)' }).click();
    await page.getByText('Vérification : 29 ligne(s) à créer, 0 déjà présente(s), 0 en erreur.').waitFor();
    expect(await page.locator('.import-page tbody tr').first().innerText()).toMatch(/^2\tDEFI-2021-001\tà créer\tÉtape « Mobilisation des partenaires » réalisée le 30\/06\/2021\s*$/);
    expect(await page.locator('.import-page tbody tr').filter({ hasText: 'DEFI-2021-018' }).innerText()).toContain('« Consultation évaluation continue » attribuée à DIDACTION le 12/11/2021');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, '21-import-historique.png'), fullPage: true });
    await page.getByRole('button', { name: 'Confirmer l’import' }).click();
    await page.getByText('Import terminé : 29 ligne(s) écrite(s).').waitFor();
    const after = await api.get(`/api/v1/programmes/${id}`, coordinator.token);
    const steps = after.body.phases.flatMap((p: { steps: { key: string; status: string; late: boolean }[] }) => p.steps);
    expect(steps.filter((s: { key: string }) => ['partner-mobilisation', 'partner-allocation', 'test-review'].includes(s.key)).map((s: { status: string }) => s.status)).toEqual(['completed', 'completed', 'completed']);
    expect(steps.filter((s: { status: string }) => s.status === 'active').map((s: { key: string; late: boolean }) => [s.key, s.late])).toEqual([
      ['trainers-training-experimentation', true],
      ['bricks-co-construction-experimentation', true],
      ['digital-tools-delivery', true],
    ]);

    // The programme page: the journal shows the past at its dates, "saisi a posteriori".
    await page.goto(`/programmes/${encodeURIComponent(id)}`);
    const journal = page.locator('ol.events');
    await journal.getByText('30 juin 2021', { exact: false }).first().waitFor();
    expect(await journal.locator('li').filter({ hasText: '20 décembre 2021' }).first().innerText()).toMatch(/saisi a posteriori le/);
    await page.screenshot({ path: path.join(SCREENSHOTS, '22-programme-defi-2021.png'), fullPage: true });

    // The 2021 report: indicators against targets and the three tenders' record.
    await page.goto(`/programmes/${encodeURIComponent(id)}/bilan?du=2021-01-01&au=2021-12-31`);
    await page.getByRole('heading', { name: 'Consultations et marchés' }).waitFor();
    const indicators = page.locator('section[aria-labelledby="report-indicators"] table').first();
    expect(await indicators.locator('tbody tr').allInnerTexts()).toEqual(['Réseaux et organismes de formation contactés\t40\t40\t40\t100 %', 'Réseaux et organismes de formation rencontrés\t14\t14\t14\t100 %']);
    for (const [title, winner] of [['Consultation propriété intellectuelle', 'In concreto'], ['Consultation communication et identité visuelle', 'CinqAvril'], ['Consultation évaluation continue', 'DIDACTION']]) {
      expect(await page.locator('.report-tender').filter({ hasText: title! }).locator('dl').innerText()).toContain(winner!);
    }
    expect(await page.locator('.report-tender').filter({ hasText: 'Consultation évaluation continue' }).locator('dl').innerText()).toContain('12 novembre 2021');
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.screenshot({ path: path.join(SCREENSHOTS, '23-bilan-defi-2021.png'), fullPage: true });
    const [pdfDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Télécharger le PDF' }).click()]);
    const { readFile } = await import('node:fs/promises');
    expect((await readFile((await pdfDownload.path())!)).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(w.problems).toEqual([]);
  }, 120_000);
});
