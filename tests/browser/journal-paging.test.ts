import type { Browser } from 'playwright-core';
import { addWorkingDaysToDate, toParisDate } from '../../domain/calendar';
import type { TemplateInput } from '../../domain/template-schema';
import { launchChromium, openPage, signIn, type WatchedPage, closeBrowserSuite } from '../support/browser';
import { apiClient, createUser, publishTemplates, startHarness, waitFor, type Harness, type TestUser } from '../support/harness';

/**
 * The programme page shows the whole journal, newest first, a page (50) at a time, and a due date
 * with its closing hour ("…, 18 h 00"), in Chromium against the real API, worker and services.
 */
describe('programme page: the whole journal, newest first (Chromium)', () => {
  let h: Harness;
  let browser: Browser;
  let coordinator: TestUser;
  let w: WatchedPage | undefined;
  const templateKey = `journal-${Date.now()}`;
  const title = `Journal paginé ${Date.now()}`;
  const template: TemplateInput = {
    key: templateKey,
    version: 1,
    labels: { dateParams: { deadline: { fr: 'Date limite' } } },
    name: { fr: 'Journal paginé', en: 'Paged journal' },
    dateParams: ['deadline'],
    phases: [{ key: 'p', name: { fr: 'Phase', en: 'Phase' }, steps: [{ key: 'deliver', name: { fr: 'Livrer', en: 'Deliver' }, assignee: { kind: 'coordinator' }, due: { from: 'param', param: 'deadline' } }] }],
  };

  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    browser = await launchChromium();
    await publishTemplates(h.prisma, [template]);
    coordinator = await createUser(h, 'coordinator');
  });
  afterAll(() => closeBrowserSuite({ page: w, browser, services: h }));

  it('loads older events page after page until every one is shown, and shows the 18 h 00 closing hour', async () => {
    const api = apiClient(h.apiUrl);
    const today = toParisDate(new Date());
    const started = await api.post('/api/v1/programmes', { templateKey, title, startDate: today, params: { dates: { deadline: addWorkingDaysToDate(today, 5) } } }, coordinator.token);
    expect(started.status).toBe(201);
    const id = started.body.id as string;
    // 60 due date changes: more than one page of the journal.
    for (let n = 1; n <= 60; n++) expect((await api.patch(`/api/v1/programmes/${id}/steps/deliver`, { dueDate: addWorkingDaysToDate(today, 5 + n) }, coordinator.token)).status).toBe(200);
    const total = await h.prisma.programmeEvent.count({ where: { programmeId: id } });
    expect(total).toBeGreaterThan(60);

    w = await openPage(browser, h.apiUrl);
    await signIn(w.page, coordinator.email, coordinator.password);
    await w.page.goto(`${h.apiUrl}/programmes/${id}`);
    await w.page.getByRole('heading', { level: 1, name: title }).waitFor();

    // The due date with its closing hour.
    await expect(w.page.locator('#step-deliver time').textContent()).resolves.toMatch(/^\d{1,2} [a-zéû]+ \d{4}, 18 h 00$/);

    const entries = w.page.locator('section[aria-labelledby="audit"] ol.events > li');
    await entries.first().waitFor();
    expect(await entries.count()).toBe(50);
    // Newest first: the last due date change, then older ones; the start is at the very end.
    await expect(entries.first().textContent()).resolves.toContain('Échéance modifiée');
    const older = w.page.getByTestId('older-events');
    while (await older.isVisible()) {
      const before = await entries.count();
      await older.click();
      await waitFor('the next page of the journal', async () => (await entries.count()) > before, 10_000);
    }
    expect(await entries.count()).toBe(total);
    await expect(entries.last().textContent()).resolves.toContain('Programme démarré');
    expect(w.problems).toEqual([]);
  });
});
