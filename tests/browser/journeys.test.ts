import type { Browser } from 'playwright-core';
import { toParisDate } from '../../domain/calendar';
import type { TemplateInput } from '../../domain/template-schema';
import { accessibilityProblems, launchChromium, openPage, overflowsHorizontally, PHONE, signIn, type WatchedPage } from '../support/browser';
import { apiClient, createOrganisation, createUser, publishTemplates, startHarness, waitFor, type Harness, type TestUser } from '../support/harness';

/** Test phase due three days after the start (amber on the dashboard), then a gated deployment phase due in two months. */
function journeyTemplate(key: string): TemplateInput {
  return {
    key,
    version: 1,
    labels: { roles: { partner: { fr: 'Organisme de formation' } } },
    name: { fr: 'Parcours navigateur', en: 'Browser journey' },
    phases: [
      {
        key: 'test',
        name: { fr: 'Test', en: 'Test' },
        steps: [
          {
            key: 'report',
            name: { fr: 'Rapport d’expérimentation', en: 'Trial report' },
            assignee: { kind: 'slot', slot: 'partner' },
            due: { from: 'programmeStart', offset: { amount: 3, unit: 'calendarDays' } },
            deliverables: [{ kind: 'report', label: { fr: 'Rapport', en: 'Report' }, min: 1, acceptance: false }],
          },
        ],
      },
      {
        key: 'deployment',
        name: { fr: 'Déploiement', en: 'Deployment' },
        gate: {},
        steps: [{ key: 'plan', name: { fr: 'Plan de déploiement', en: 'Deployment plan' }, assignee: { kind: 'coordinator' }, due: { from: 'phaseStart', offset: { amount: 60, unit: 'calendarDays' } }, milestone: true }],
      },
    ],
  } as TemplateInput;
}

/**
 * The three journeys of the web UI in Debian's Chromium against the real API, worker and services:
 * a partner uploads a deliverable and completes a step; the coordinator sees it and approves the
 * gate; the manager's dashboard, left open, turns from amber to green by itself (live updates).
 */
describe('web UI journeys (Chromium)', () => {
  let h: Harness;
  let browser: Browser;
  let coordinator: TestUser;
  let manager: TestUser;
  let partner: TestUser;
  let programmeId: string;
  const templateKey = `journey-${Date.now()}`;
  const title = `Expérimentation DEFI — parcours ${Date.now()}`;
  const opened: WatchedPage[] = [];

  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    browser = await launchChromium();
    await publishTemplates(h.prisma, [journeyTemplate(templateKey)]);
    const org = await createOrganisation(h, `Organisme de formation ${Date.now()}`);
    coordinator = await createUser(h, 'coordinator');
    manager = await createUser(h, 'manager');
    partner = await createUser(h, 'partner', org);
    const today = toParisDate(new Date());
    const res = await apiClient(h.apiUrl).post('/api/v1/programmes', { templateKey, title, startDate: today, params: { dates: {}, slots: { partner: org } } }, coordinator.token);
    expect(res.status).toBe(201);
    programmeId = res.body.id;
  });
  afterAll(async () => {
    for (const w of opened) await w.context.close().catch(() => undefined);
    await browser?.close();
    await h?.stop();
  });

  const open = async (viewport?: typeof PHONE) => {
    const w = await openPage(browser, h.apiUrl, viewport);
    opened.push(w);
    return w;
  };
  const healthRow = (w: WatchedPage) => w.page.locator(`tr[data-programme="${programmeId}"]`);

  let managerPage: WatchedPage;

  it('manager: the dashboard shows the new programme amber, with its rule', async () => {
    managerPage = await open();
    await signIn(managerPage.page, manager.email, manager.password);
    expect(new URL(managerPage.page.url()).pathname).toBe('/tableau-de-bord');
    await managerPage.page.goto(`/tableau-de-bord?modele=${templateKey}`);
    // Marks this document: if the page were reloaded later, the marker would be gone.
    await managerPage.page.evaluate(() => ((globalThis as unknown as { journeyMarker: string }).journeyMarker = 'still the same page'));
    await expect(healthRow(managerPage).locator('[data-rag]').getAttribute('data-rag')).resolves.toBe('amber');
    await expect(healthRow(managerPage).textContent()).resolves.toMatch(/À surveiller.*dans moins de 7 jours/);
    expect(await accessibilityProblems(managerPage.page)).toEqual([]);
  });

  it('partner: finds the step in Mes tâches, is told in words what is missing, uploads a deliverable and completes the step', async () => {
    const w = await open();
    await signIn(w.page, partner.email, partner.password);
    expect(new URL(w.page.url()).pathname).toBe('/taches');
    const task = w.page.getByTestId('task').filter({ hasText: 'Rapport d’expérimentation' });
    await expect(task.textContent()).resolves.toContain(title);
    expect(await accessibilityProblems(w.page)).toEqual([]);
    await task.getByRole('link', { name: 'Rapport d’expérimentation' }).click();
    await w.page.getByRole('heading', { level: 1, name: 'Rapport d’expérimentation' }).waitFor();
    await w.page.getByText('Rapport : 1 au moins').waitFor();

    // Completing before uploading: the workflow refuses, the page says why in French.
    await w.page.getByRole('button', { name: 'Terminer l’étape' }).click();
    await w.page.getByRole('alert').filter({ hasText: 'Livrable « Rapport » : 1 attendu(s), 0 déposé(s).' }).waitFor();

    await w.page.getByLabel('Déposer un livrable').setInputFiles({ name: 'rapport-test.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n') });
    await w.page.getByText('Fichier : rapport-test.pdf').waitFor();
    await w.page.getByLabel('Titre du livrable').fill('Rapport de la phase Test');
    await w.page.getByRole('button', { name: 'Envoyer' }).click();
    await w.page.getByRole('status').filter({ hasText: 'Livrable « Rapport de la phase Test » déposé.' }).waitFor();
    await w.page.getByTestId('deliverable').filter({ hasText: 'Rapport de la phase Test' }).waitFor();
    expect(await accessibilityProblems(w.page)).toEqual([]);

    await w.page.getByLabel('Note (facultative)').fill('Rapport remis après la session du 12.');
    await w.page.getByRole('button', { name: 'Terminer l’étape' }).click();
    await w.page.getByText(/Étape terminée le/).waitFor();
    await w.page.getByText('Rapport remis après la session du 12.').waitFor(); // the history shows the note

    // Back to the list: nothing left to do, also at phone width without horizontal scrolling.
    const phone = await open(PHONE);
    await signIn(phone.page, partner.email, partner.password);
    await phone.page.getByText('Aucune étape ouverte : tout est à jour.').waitFor();
    expect(await overflowsHorizontally(phone.page)).toBe(false);
    expect([...w.problems, ...phone.problems].filter((p) => !p.includes('422'))).toEqual([]);
  });

  it('coordinator: sees the deliverable and the completed step, and approves the gate', async () => {
    const w = await open();
    await signIn(w.page, coordinator.email, coordinator.password);
    await w.page.getByRole('link', { name: 'Programmes' }).click();
    // The list pages by 25, soonest due first: other tests' programmes may come before this one.
    await w.page.getByRole('searchbox').fill(title);
    await w.page.getByRole('link', { name: title }).click();
    await w.page.getByRole('heading', { level: 1, name: title }).waitFor();
    const row = w.page.locator('#step-report');
    await expect(row.textContent()).resolves.toMatch(/terminé.*Rapport de la phase Test/);
    await w.page.getByTestId('timeline').locator('svg').first().waitFor();
    const deployment = w.page.locator('#phase-deployment');
    await deployment.getByText('Cette phase attend votre validation.').waitFor();
    expect(await accessibilityProblems(w.page)).toEqual([]);
    await deployment.getByRole('button', { name: 'Valider la phase' }).click();
    await deployment.getByText('en cours').first().waitFor();
    await w.page.locator('#step-plan').getByText('en cours').waitFor();
    expect(w.problems).toEqual([]);
  });

  it('manager: the dashboard left open since the start has turned green by itself (live updates, no reload)', async () => {
    await waitFor('the open dashboard to show the programme green', async () => (await healthRow(managerPage).locator('[data-rag]').getAttribute('data-rag')) === 'green', 30_000);
    await expect(healthRow(managerPage).textContent()).resolves.toMatch(/Dans les temps.*Aucune étape en retard/);
    await expect(managerPage.page.evaluate(() => (globalThis as unknown as { journeyMarker?: string }).journeyMarker)).resolves.toBe('still the same page');
    await expect(managerPage.page.getByTestId('rag-count-green').textContent()).resolves.toMatch(/^1/);
    // The same dashboard on a phone: no horizontal scrolling of the page (wide tables scroll inside their frame).
    const phone = await open(PHONE);
    await signIn(phone.page, manager.email, manager.password);
    await phone.page.getByTestId('health-table').waitFor();
    expect(await overflowsHorizontally(phone.page)).toBe(false);
    expect(managerPage.problems).toEqual([]);
  });

  it('a newcomer accepts an invitation with the keyboard alone, switches to English, signs out, and a wrong password is explained', async () => {
    const admin = await createUser(h, 'admin');
    const email = `invite-${Date.now()}@partenaire.test`;
    const created = await apiClient(h.apiUrl).post('/api/v1/users', { email, name: 'Formatrice invitée', role: 'partner', organisationId: partner.organisationId }, admin.token);
    expect(created.status).toBe(201);
    const w = await open();
    await w.page.goto(new URL(created.body.invitation.url).pathname);
    await w.page.getByRole('heading', { level: 1, name: 'Bienvenue sur Jalons' }).waitFor();
    expect(await accessibilityProblems(w.page)).toEqual([]);
    const password = 'un-mot-de-passe-bien-long';
    await w.page.getByLabel('Nouveau mot de passe (12 caractères au moins)').focus();
    await w.page.keyboard.type(password);
    await w.page.keyboard.press('Tab');
    await w.page.keyboard.type(`${password}!`);
    await w.page.keyboard.press('Enter');
    await w.page.getByRole('alert').filter({ hasText: 'Les deux mots de passe ne sont pas identiques.' }).waitFor();
    await w.page.keyboard.press('Backspace');
    await w.page.keyboard.press('Enter');
    await w.page.waitForURL((url) => url.pathname === '/taches');
    await w.page.getByRole('heading', { level: 1, name: 'Mes tâches' }).waitFor();

    await w.page.getByLabel('Langue').first().selectOption('en');
    await w.page.getByRole('heading', { level: 1, name: 'My tasks' }).waitFor();
    await w.page.getByRole('button', { name: 'Sign out' }).click();
    await w.page.waitForURL((url) => url.pathname === '/connexion');
    await w.page.getByLabel('E-mail address').fill(email);
    await w.page.getByLabel('Password').fill('not-the-password');
    await w.page.getByRole('button', { name: 'Sign in' }).click();
    await w.page.getByRole('alert').filter({ hasText: 'Wrong credentials or expired session: please sign in.' }).waitFor();
    expect(w.problems.filter((p) => !p.includes('401'))).toEqual([]);
  });
});
