import type { Browser } from 'playwright-core';
import type { TemplateInput } from '../../domain/template-schema';
import { launchChromium, openPage, signIn, type WatchedPage, closeBrowserSuite } from '../support/browser';
import { apiClient, createUser, startHarness, waitFor, type Harness, type TestUser } from '../support/harness';

type Draft = Omit<TemplateInput, 'version'>;

/** Two phases; the first has two steps open together, so one can be done while the other is not. */
function draft(key: string): Draft {
  return {
    key,
    name: { fr: 'Suivi des ateliers', en: 'Workshop follow-up' },
    phases: [
      {
        key: 'preparation',
        name: { fr: 'Préparation', en: 'Preparation' },
        steps: [
          { key: 'invitations', name: { fr: 'Invitations', en: 'Invitations' }, assignee: { kind: 'coordinator' } },
          { key: 'room', name: { fr: 'Réservation de la salle', en: 'Room booking' }, assignee: { kind: 'coordinator' } },
        ],
      },
      { key: 'workshop', name: { fr: 'Atelier', en: 'Workshop' }, steps: [{ key: 'run', name: { fr: 'Animation', en: 'Running' }, assignee: { kind: 'coordinator' } }] },
    ],
  };
}

/**
 * Issue 19 in Chromium: from a template's versions page a coordinator reads the dry run of each
 * running programme in French, sees why one cannot be upgraded, applies the upgrade to the other
 * and finds it in its journal.
 */
describe('upgrading running programmes (Chromium)', () => {
  let h: Harness;
  let browser: Browser;
  let coordinator: TestUser;
  let w: WatchedPage;
  const key = `ateliers-${Date.now()}`;

  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    browser = await launchChromium();
    coordinator = await createUser(h, 'coordinator');
    w = await openPage(browser, h.apiUrl);
  });
  afterAll(() => closeBrowserSuite({ page: w, browser, services: h }));

  it('shows each plan, words a refusal, applies to the chosen programme with progress and journals it', async () => {
    const api = apiClient(h.apiUrl);
    expect((await api.post('/api/v1/templates', draft(key), coordinator.token)).status).toBe(201);
    const start = async (title: string) => (await api.post('/api/v1/programmes', { templateKey: key, title, startDate: '2026-12-07' }, coordinator.token)).body.id as string;
    const ready = await start('Ateliers de janvier');
    const blocked = await start('Ateliers de février');
    expect((await api.post(`/api/v1/programmes/${blocked}/steps/room/complete`, {}, coordinator.token)).status).toBe(200);
    // Version 2: the invitations renamed, the room booking removed (already done in February's programme).
    const v2 = draft(key);
    v2.phases[0]!.steps = [{ ...v2.phases[0]!.steps[0]!, name: { fr: 'Invitations et relances', en: 'Invitations and follow-ups' } }];
    expect((await api.post('/api/v1/templates', v2, coordinator.token)).body.version).toBe(2);

    const { page } = w;
    await signIn(page, coordinator.email, coordinator.password);
    await page.goto(`/modeles/${key}/versions`);
    await page.getByRole('heading', { name: 'Mettre à niveau les programmes en cours' }).waitFor();
    const plan = (id: string) => page.locator(`[data-testid="upgrade-plan"][data-programme="${id}"]`);
    await plan(ready).waitFor();
    expect(await plan(ready).getByTestId('upgrade-plan-lines').innerText()).toContain('Étape renommée : « Invitations » devient « Invitations et relances »');
    expect(await plan(ready).getByTestId('upgrade-plan-lines').innerText()).toContain('Étape supprimée : « Réservation de la salle » (phase « Préparation »)');
    expect(await plan(blocked).getByTestId('upgrade-refusals').innerText()).toContain('L’étape « Réservation de la salle » est déjà faite : la nouvelle version ne peut pas la supprimer.');
    expect(await plan(blocked).getByRole('checkbox').isDisabled()).toBe(true);

    await plan(ready).getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Appliquer aux programmes choisis (1)' }).click();
    await page.getByTestId('upgrade-outcomes').getByText('Mis à niveau vers la version 2.').waitFor();
    expect(await page.getByTestId('upgrade-progress').innerText()).toContain('1 programme(s) mis à niveau, 0 refusé(s).');
    // Once upgraded, the programme is no longer offered; the refused one still is, with its reason.
    await waitFor('the upgraded programme gone from the list', async () => (await plan(ready).count()) === 0);
    expect(await plan(blocked).count()).toBe(1);

    await page.goto(`/programmes/${ready}`);
    await page.getByText('Programme mis à niveau vers la version 2').first().waitFor();
    expect(await page.getByText('Invitations et relances').count()).toBeGreaterThan(0);
    expect(w.problems).toEqual([]);
  });
});
