import type { Browser, Page } from 'playwright-core';
import { launchChromium, openPage, signIn, type WatchedPage } from '../support/browser';
import { apiClient, createUser, startHarness, type Harness, type TestUser } from '../support/harness';

async function visibleText(page: Page): Promise<string> {
  return page.evaluate(() => (globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText);
}

/**
 * In Chromium: a refusal whose value is a deadline is said in French with the date in Paris
 * time, from the catalogue and the problem's params, never the server's English detail; the
 * tender's date parameter is named by the template's label, never by its key.
 */
describe('refusals and template names in the web UI (Chromium)', () => {
  let h: Harness;
  let browser: Browser;
  let coordinator: TestUser;
  let w: WatchedPage;
  let programmeId: string;

  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    browser = await launchChromium();
    coordinator = await createUser(h, 'coordinator');
    const started = await apiClient(h.apiUrl).post(
      '/api/v1/programmes',
      { templateKey: 'tender', title: `Consultation — refus en français ${Date.now()}`, startDate: '2026-11-02', params: { dates: { 'answers-deadline': '2026-12-31' } } },
      coordinator.token,
    );
    expect(started.status).toBe(201);
    programmeId = started.body.id;
    w = await openPage(browser, h.apiUrl);
    await signIn(w.page, coordinator.email, coordinator.password);
  });
  afterAll(async () => {
    await w?.context.close().catch(() => undefined);
    await browser?.close();
    await h?.stop();
  });

  it('says "due date already past" in French with "30 novembre 2026, 18 h 00", without the English detail', async () => {
    const { page } = w;
    // The server's clock is past 30 November 2026, 18:00 Paris: the workflow refuses that date.
    expect(Date.now()).toBeGreaterThan(Date.parse('2026-11-30T17:00:00.000Z'));
    await page.goto(`/programmes/${programmeId}`);
    const row = page.locator('#step-write-specification');
    await row.getByText('Reporter l’échéance').click();
    await row.getByLabel('Nouvelle échéance').fill('2026-11-30');
    await row.getByRole('button', { name: 'Enregistrer' }).click();
    const alert = row.getByRole('alert');
    await alert.waitFor();
    const text = (await alert.innerText()).replace(/\s+/g, ' ');
    expect(text).toContain('La nouvelle échéance (30 novembre 2026, 18 h 00) est déjà passée : choisissez une date à venir.');
    expect(text).not.toMatch(/already past|due date|2026-11-30|T17:00|Z\)/);
    expect(await alert.getAttribute('data-code')).toBe('due_date_in_past');
    // The refusal itself (422) is what Chromium logs; nothing else.
    expect(w.problems.filter((p) => !p.includes('status of 422'))).toEqual([]);
  });

  it('names the tender’s date parameter by the template’s label on the template and start pages', async () => {
    const { page } = w;
    await page.goto('/modeles/tender');
    await page.getByText('Date limite de réponse des prestataires').first().waitFor();
    expect(await visibleText(page)).not.toContain('answers-deadline');
    await page.goto('/programmes/nouveau?modele=tender');
    await page.getByText('Date limite de réponse des prestataires').first().waitFor();
    expect(await visibleText(page)).not.toContain('answers-deadline');
    expect(w.problems.filter((p) => !p.includes('status of 422'))).toEqual([]);
  });
});
