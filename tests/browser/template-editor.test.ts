import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { cleaningSectorGroupTemplate } from '../../templates';
import { launchChromium, openPage, signIn, type WatchedPage, closeBrowserSuite } from '../support/browser';
import { apiClient, createUser, publishTemplates, startHarness, waitFor, type Harness, type TestUser } from '../support/harness';

/** The programme view's steps, phase after phase. */
const stepsOf = (view: { phases?: { steps: { key: string; status: string; dueAt: string | null }[] }[] }) => (view.phases ?? []).flatMap((p) => p.steps);

/**
 * Issue 19 in Chromium: a coordinator copies a built-in template, edits a step, sees a French
 * error next to the field, fixes it, previews the dates, publishes and starts a programme from it.
 * The copied template is the cleaning-sector group's, whose first step is a one-off meeting due a
 * number of days after the start (the governance cadence, copied before, became recurring in its
 * version 3: its steps follow a schedule and take no due rule).
 */
describe('template editor (Chromium)', () => {
  let h: Harness;
  let browser: Browser;
  let coordinator: TestUser;
  let w: WatchedPage;
  const newKey = `proprete-copie-${Date.now()}`;

  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    browser = await launchChromium();
    await publishTemplates(h.prisma, [cleaningSectorGroupTemplate]);
    coordinator = await createUser(h, 'coordinator');
    w = await openPage(browser, h.apiUrl);
  });
  afterAll(() => closeBrowserSuite({ page: w, browser, services: h }));

  it('copies, edits with a French field error, previews, publishes and starts a programme', async () => {
    const { page } = w;
    await signIn(page, coordinator.email, coordinator.password);
    await page.goto('/modeles');
    const card = page.getByTestId('template-card').filter({ hasText: 'Groupe territorial propreté — événement annuel' });
    await card.getByRole('link', { name: 'Copier et modifier' }).click();
    await page.getByRole('heading', { name: 'Copie de « Groupe territorial propreté — événement annuel »' }).waitFor();
    await page.getByTestId('template-valid').waitFor();

    await page.locator('#champ-key').fill(newKey);
    // Edit the first step: empty its French name (a French error appears next to the field).
    const name = page.locator('#champ-phases-0-steps-0-name-fr');
    await name.fill('');
    const error = page.locator('[data-testid="field-error"][data-path="phases.0.steps.0.name.fr"]');
    await error.waitFor();
    expect(await error.textContent()).toBe('Ce champ est obligatoire.');
    expect(await name.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByTestId('template-problems').textContent()).toContain('1 problème à corriger');
    expect(await page.getByRole('button', { name: 'Publier la version' }).isDisabled()).toBe(true);

    // Fix it, and move its due date to 45 days after the start.
    await name.fill('Rencontre préparatoire n° 1');
    await page.locator('#champ-phases-0-steps-0-due-offset-amount').fill('45');
    await page.getByTestId('template-valid').waitFor();
    expect(await error.count()).toBe(0);

    // Preview from Monday 4 January 2027: +45 days is Thursday 18 February 2027, 18:00 Paris.
    await page.getByLabel('Date de démarrage de l’aperçu').fill('2027-01-04');
    const due = page.locator('[data-testid="preview-step"][data-step="preparatory-meeting-1"] [data-testid="preview-due"]');
    await waitFor('the preview of the edited step', async () => ((await due.textContent().catch(() => '')) ?? '').includes('18 février 2027, 18 h 00'));
    expect(await page.locator('[data-testid="preview-step"][data-step="preparatory-meeting-1"] th').textContent()).toContain('Rencontre préparatoire n° 1');

    const publish = page.getByRole('button', { name: 'Publier la version' });
    await waitFor('publish enabled', async () => !(await publish.isDisabled()));
    await publish.click();
    await page.waitForURL((url) => url.pathname === `/modeles/${newKey}`);
    await page.getByText('Version 1 publiée.').waitFor();

    await page.getByRole('link', { name: 'Démarrer un programme' }).click();
    await page.waitForURL((url) => url.pathname === '/programmes/nouveau');
    await page.getByLabel('Intitulé du programme').fill('Groupe propreté 2027 (copie éditée)');
    await page.getByLabel('Date de démarrage').fill('2027-01-04');
    await page.getByRole('button', { name: 'Démarrer' }).click();
    await page.waitForURL((url) => /^\/programmes\/prg_/.test(url.pathname));
    const programmeId = new URL(page.url()).pathname.split('/').pop()!;

    const view = await waitFor('the edited step due date', async () => {
      const res = await apiClient(h.apiUrl).get(`/api/v1/programmes/${programmeId}`, coordinator.token);
      return stepsOf(res.body).some((s: { key: string; dueAt: string | null }) => s.key === 'preparatory-meeting-1' && s.dueAt) ? res.body : undefined;
    });
    expect(view.templateKey).toBe(newKey);
    expect(view.templateVersion).toBe(1);
    const step = stepsOf(view).find((s: { key: string }) => s.key === 'preparatory-meeting-1')!;
    expect(step.dueAt).toBe('2027-02-18T17:00:00.000Z');
    expect(w.problems).toEqual([]);
  });

  it('publishes a second version, shows the difference, exports the JSON and archives the template', async () => {
    const { page } = w;
    await page.goto(`/modeles/${newKey}`);
    await page.getByRole('link', { name: 'Modifier (nouvelle version)' }).click();
    await page.getByRole('heading', { name: /^Nouvelle version de « / }).waitFor();
    expect(await page.locator('#champ-key').isDisabled()).toBe(true);
    await page.locator('#champ-phases-0-steps-0-name-fr').fill('Rencontre préparatoire de janvier');
    await page.getByTestId('template-valid').waitFor();
    const publish = page.getByRole('button', { name: 'Publier la version' });
    await waitFor('publish enabled', async () => !(await publish.isDisabled()));
    await publish.click();
    await page.getByText('Version 2 publiée.').waitFor();

    await page.getByRole('link', { name: 'Versions et différences' }).click();
    const diff = page.getByTestId('template-diff');
    await diff.waitFor();
    const text = (await diff.textContent()) ?? '';
    // Elements by their names, never their keys.
    expect(text).toContain('Étape « Rencontre préparatoire de janvier » : nom modifié(e)');
    expect(text).not.toContain('preparatory-meeting');
    expect(text).toContain('Rencontre préparatoire n° 1');
    expect(text).toContain('Rencontre préparatoire de janvier');
    expect(await diff.locator('li').count()).toBe(1);

    await page.goto(`/modeles/${newKey}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Exporter en JSON' }).click()]);
    expect(download.suggestedFilename()).toBe(`${newKey}-v2.json`);
    const exported = JSON.parse(await readFile((await download.path())!, 'utf8'));
    expect(exported).toMatchObject({ key: newKey, version: 2 });
    expect(exported.phases[0].steps[0].name.fr).toBe('Rencontre préparatoire de janvier');

    await page.getByRole('button', { name: 'Archiver' }).click();
    await page.getByTestId('template-archived').waitFor();
    expect(await page.getByRole('link', { name: 'Démarrer un programme' }).count()).toBe(0);
    const refused = await apiClient(h.apiUrl).post('/api/v1/programmes', { templateKey: newKey, title: 'Refusé', startDate: '2027-01-04', params: { dates: {}, slots: {} } }, coordinator.token);
    expect(refused.body.code).toBe('template_archived');
    expect(w.problems).toEqual([]);
  });
});
