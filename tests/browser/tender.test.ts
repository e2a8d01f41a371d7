import type { Browser, Page } from 'playwright-core';
import { toParisDate } from '../../domain/calendar';
import { accessibilityProblems, launchChromium, openPage, signIn, type WatchedPage } from '../support/browser';
import { apiClient, createOrganisation, createUser, startHarness, type Harness, type TestUser } from '../support/harness';
import { expectReadModelInSync } from '../support/read-model';

/** Words a French reader must never see: the tender's internal codes and the library's English. */
const LEAKS = /\b(tender|winner|awarded|assessed|consultation-sent|answers-deadline|data\.scores|data\.winner|bid|Progress|undefined|null)\b/;

async function visibleText(page: Page): Promise<string> {
  return page.evaluate(() => (globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText);
}

/**
 * A coordinator drives the built-in tender from the specification to the award notifications in
 * Chromium with the mouse alone: the rule of three providers is shown before the workflow would
 * refuse, the deadline is shown to bidders and to the coordinator, the bids are scored on the
 * template's weighted criteria with the ranking shown as they are typed, the winner is chosen
 * with a reason and a confirmation, and the award notifications appear on the programme.
 */
describe('tender in the web UI (Chromium)', () => {
  let h: Harness;
  let browser: Browser;
  let coordinator: TestUser;
  let bidderA: TestUser;
  let programmeId: string;
  const stamp = Date.now();
  const names = { a: `Arcanium ${stamp}`, b: `Bureau d’études Lumière ${stamp}`, c: `Compagnie Éclat ${stamp}` };
  const orgs: Record<'a' | 'b' | 'c', string> = { a: '', b: '', c: '' };
  const title = `Consultation escape game — ${stamp}`;
  const opened: WatchedPage[] = [];
  let w: WatchedPage;

  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    browser = await launchChromium();
    orgs.a = await createOrganisation(h, names.a, 'contractor');
    orgs.b = await createOrganisation(h, names.b, 'contractor');
    orgs.c = await createOrganisation(h, names.c, 'contractor');
    coordinator = await createUser(h, 'coordinator');
    bidderA = await createUser(h, 'partner', orgs.a);
    const api = apiClient(h.apiUrl);
    const inAMonth = toParisDate(new Date(Date.now() + 30 * 86_400_000));
    const started = await api.post('/api/v1/programmes', { templateKey: 'tender', title, startDate: toParisDate(new Date()), params: { dates: { 'answers-deadline': inAMonth }, slots: {} } }, coordinator.token);
    expect(started.status).toBe(201);
    programmeId = started.body.id;
    // The specification and two providers: set up through the API (other tests cover these screens).
    expect((await api.post(`/api/v1/programmes/${programmeId}/steps/write-specification/deliverables`, { title: 'Cahier des charges', url: 'https://example.org/cdc.pdf' }, coordinator.token)).status).toBe(201);
    expect((await api.post(`/api/v1/programmes/${programmeId}/steps/write-specification/complete`, {}, coordinator.token)).status).toBe(200);
    for (const org of [orgs.a, orgs.b]) expect((await api.post(`/api/v1/programmes/${programmeId}/partners`, { organisationId: org, phaseKey: 'consultation' }, coordinator.token)).status).toBe(201);
    w = await openPage(browser, h.apiUrl);
    opened.push(w);
    await signIn(w.page, coordinator.email, coordinator.password);
  });
  afterAll(async () => {
    for (const o of opened) await o.context.close().catch(() => undefined);
    await browser?.close();
    await h?.stop();
  });

  const stepPage = async (key: string, name: string) => {
    await w.page.goto(`/programmes/${programmeId}/etapes/${key}`);
    await w.page.getByRole('heading', { level: 1, name }).waitFor();
  };

  it('shows the rule of three providers before sending, and sends once a third is enrolled', async () => {
    await stepPage('send', 'Envoi de la consultation');
    const rule = w.page.getByTestId('tender-rule');
    await rule.getByText('Une consultation est envoyée à 3 prestataires au moins ; 2 inscrit(s) dans cette phase.').waitFor();
    await rule.getByText(/Inscrivez encore 1 prestataire/).waitFor();
    expect(await w.page.getByRole('button', { name: 'Terminer l’étape' }).isDisabled()).toBe(true);

    // Enrol the third provider from the programme page, by its name.
    await w.page.getByRole('link', { name: 'Retour' }).click();
    await w.page.getByRole('heading', { level: 1, name: title }).waitFor();
    await w.page.getByText('Inscrire un partenaire').click();
    await w.page.getByRole('combobox', { name: 'Organisation' }).fill(`eclat ${stamp}`); // typed as remembered: no capital, no accent
    await w.page.getByRole('option', { name: names.c }).click();
    const phase = w.page.locator('details.enrol').getByRole('combobox', { name: /^Phase/ });
    await expect(phase.locator('option[value="consultation"]').textContent()).resolves.toBe('Consultation des prestataires — 28 places restantes');
    await phase.selectOption('consultation');
    await w.page.getByRole('button', { name: 'Inscrire', exact: true }).click();
    await w.page.getByText('Action enregistrée.').waitFor();

    await stepPage('send', 'Envoi de la consultation');
    await w.page.getByText('Une consultation est envoyée à 3 prestataires au moins ; 3 inscrit(s) dans cette phase.').waitFor();
    await w.page.getByRole('button', { name: 'Terminer l’étape' }).click();
    await w.page.getByText(/Étape terminée le/).waitFor();
  });

  it('shows the deadline to a bidder, who uploads an offer named as sent; the coordinator closes the collection once it has passed', async () => {
    const api = apiClient(h.apiUrl);
    expect((await api.patch(`/api/v1/programmes/${programmeId}/steps/answers`, { dueAt: new Date(Date.now() + 120_000).toISOString() }, coordinator.token)).status).toBe(200);
    const bidder = await openPage(browser, h.apiUrl);
    opened.push(bidder);
    await signIn(bidder.page, bidderA.email, bidderA.password);
    await bidder.page.goto(`/programmes/${programmeId}/etapes/answers`);
    await bidder.page.getByRole('heading', { level: 1, name: 'Réponses des prestataires' }).waitFor();
    await bidder.page.getByTestId('tender-rule').getByText(/^Les offres sont reçues jusqu’au .+ ; une offre tardive est refusée\.$/).waitFor();
    // Refusals explained in French before and after sending, and the form starts afresh after each.
    const upload = bidder.page.getByLabel('Déposer un livrable');
    const alert = bidder.page.getByRole('alert');
    await upload.setInputFiles({ name: 'offre-vide.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(0) });
    await alert.filter({ hasText: 'Le fichier est vide (0 octet) : choisissez le bon fichier.' }).waitFor();
    // 27 MB through the DevTools protocol: slow on a loaded machine, hence its own timeout.
    await upload.setInputFiles({ name: 'offre-avec-vidéo.pdf', mimeType: 'application/pdf', buffer: Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(27 * 1024 * 1024)]) }, { timeout: 180_000 });
    await alert.filter({ hasText: 'Le fichier est trop volumineux : 25 Mo au plus.' }).waitFor();
    await upload.setInputFiles({ name: 'offre.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('MZ') });
    await alert.filter({ hasText: 'Les fichiers « .exe » ne sont pas acceptés.' }).waitFor();
    await upload.setInputFiles({ name: 'offre-en-image.pdf', mimeType: 'application/pdf', buffer: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 1, 2, 3]) });
    await bidder.page.getByText('Fichier : offre-en-image.pdf').waitFor();
    await bidder.page.getByRole('button', { name: 'Envoyer' }).click();
    await alert.filter({ hasText: 'Le contenu du fichier ne correspond pas à un fichier « .pdf » : il a peut-être été renommé ou est endommagé.' }).waitFor();
    await expect(bidder.page.getByLabel('Titre du livrable').inputValue()).resolves.toBe('');
    await expect(bidder.page.getByText(/^Fichier :/).count()).resolves.toBe(0);
    expect(await alert.textContent()).not.toMatch(/content|valid|file/i); // no English detail under the French sentence

    const fileName = 'Offre_technique_et_financière_n°3_réunion.pdf';
    await bidder.page.getByLabel('Déposer un livrable').setInputFiles({ name: fileName, mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n') });
    await bidder.page.getByLabel('Titre du livrable').fill('Offre Arcanium');
    await bidder.page.getByRole('button', { name: 'Envoyer' }).click();
    await bidder.page.getByRole('status').filter({ hasText: 'Livrable « Offre Arcanium » déposé.' }).waitFor();
    await bidder.page.getByTestId('deliverable').filter({ hasText: fileName }).waitFor();
    await expect(bidder.page.getByTestId('deliverable').textContent()).resolves.toContain('Offre ·');
    expect(await accessibilityProblems(bidder.page)).toEqual([]);
    expect(await visibleText(bidder.page)).not.toMatch(LEAKS);
    expect(bidder.problems.filter((p) => !p.includes('415'))).toEqual([]);

    // Two more bids through the API, then the deadline moves to a few seconds from now.
    for (const org of [orgs.b, orgs.c]) {
      const user = await createUser(h, 'partner', org);
      expect((await api.post(`/api/v1/programmes/${programmeId}/steps/answers/deliverables`, { title: `Offre ${org === orgs.b ? 'Lumière' : 'Éclat'}`, url: 'https://example.org/offre.pdf' }, user.token)).status).toBe(201);
    }
    const deadline = Date.now() + 3_000;
    expect((await api.patch(`/api/v1/programmes/${programmeId}/steps/answers`, { dueAt: new Date(deadline).toISOString() }, coordinator.token)).status).toBe(200);

    await stepPage('answers', 'Réponses des prestataires');
    await w.page.getByText(/^Vous pourrez clore la collecte des offres après le/).waitFor();
    expect(await w.page.getByRole('button', { name: 'Terminer l’étape' }).isDisabled()).toBe(true);
    await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now() + 500)));
    await w.page.reload();
    await w.page.getByText('Vous pouvez clore la collecte des offres.').waitFor();
    await w.page.getByText(/^La date limite de réponse \(.+\) est passée : plus aucune offre n’est reçue\.$/).waitFor();
    await w.page.getByRole('button', { name: 'Terminer l’étape' }).click();
    await w.page.getByText(/Étape terminée le/).waitFor();
  });

  it('scores each offer on the weighted criteria and shows the ranking as the scores are typed', async () => {
    await stepPage('assessment', 'Instruction des réponses');
    const form = w.page.getByTestId('assessment-form');
    await form.getByText('Notez chaque offre de 0 à 20 sur chaque critère : Prix (40 %), Valeur technique (60 %). La note finale est la moyenne pondérée.').waitFor();
    await expect(form.getByTestId('bidder-row').count()).resolves.toBe(3);
    const scores: Record<'a' | 'b' | 'c', [string, string]> = { a: ['12', '17'], b: ['16', '11'], c: ['9,5', '10'] };
    for (const key of ['a', 'b', 'c'] as const) {
      await form.getByLabel(`Note « Prix » de ${names[key]}`).fill(scores[key][0]);
      await form.getByLabel(`Note « Valeur technique » de ${names[key]}`).fill(scores[key][1]);
    }
    // 0.4 × 12 + 0.6 × 17 = 15; 0.4 × 16 + 0.6 × 11 = 13; 0.4 × 9.5 + 0.6 × 10 = 9.8.
    const preview = form.getByTestId('tender-ranking');
    await preview.waitFor();
    const rows = await preview.locator('tbody tr').allInnerTexts();
    expect(rows.map((r) => r.replace(/\s+/g, ' ').trim())).toEqual([`1 ${names.a} 15 / 20`, `2 ${names.b} 13 / 20`, `3 ${names.c} 9,8 / 20`]);
    expect(await accessibilityProblems(w.page)).toEqual([]);
    await form.getByRole('button', { name: 'Enregistrer l’analyse et le classement' }).click();
    await w.page.getByText(/Étape terminée le/).waitFor();
    await w.page.getByRole('table', { name: 'Classement des offres' }).waitFor();
    const state = await expectReadModelInSync(h, programmeId);
    expect((state.moduleState.tender as { ranking: unknown[] }).ranking).toEqual([
      { organisationId: orgs.a, score: 15 },
      { organisationId: orgs.b, score: 13 },
      { organisationId: orgs.c, score: 9.8 },
    ]);
  });

  it('chooses the winner with a reason and a confirmation; the bidders are notified', async () => {
    await stepPage('award', 'Choix du prestataire retenu');
    const form = w.page.getByTestId('award-form');
    await form.getByText('Le candidat retenu et 2 candidats non retenus seront avertis par e-mail.').waitFor();
    await form.getByLabel(`1. ${names.a} — 15 / 20`).check();
    const submit = form.getByRole('button', { name: 'Retenir ce prestataire' });
    expect(await submit.isDisabled()).toBe(true); // no reason yet
    await form.getByLabel('Motif du choix (10 caractères au moins)').fill('Meilleure note pondérée, démarche pédagogique la plus complète.');
    await submit.click();
    await form.getByText(`Retenir ${names.a} ? Les 2 candidats non retenus seront avertis. Ce choix est définitif.`).waitFor();
    expect(await accessibilityProblems(w.page)).toEqual([]);
    await form.getByRole('button', { name: 'Confirmer l’attribution' }).click();
    await w.page.getByText(/Étape terminée le/).waitFor();
    const state = await expectReadModelInSync(h, programmeId);
    expect(state.slots.winner).toBe(orgs.a);
    expect(state.milestones.map((m) => m.key)).toEqual(expect.arrayContaining(['consultation-sent', 'assessed', 'awarded']));

    // The programme page: milestones by name, the winner's role by name, the award notifications listed.
    await w.page.goto(`/programmes/${programmeId}`);
    await w.page.getByRole('heading', { level: 1, name: title }).waitFor();
    await w.page.getByText(/^Marché attribué — /).waitFor();
    await w.page.getByText(/^Consultation envoyée — /).waitFor();
    const notifications = w.page.locator('section[aria-labelledby="notifications"]');
    // Queued by the award (the notifier is off here): one to the winner, one to each other bidder.
    await notifications.getByRole('cell', { name: 'Non-attribution' }).first().waitFor();
    await expect(notifications.getByRole('cell', { name: 'Non-attribution' }).count()).resolves.toBe(2);
    await expect(notifications.getByRole('cell', { name: 'Attribution', exact: true }).count()).resolves.toBe(1);
    expect(await visibleText(w.page)).not.toMatch(LEAKS);

    // The formal notification step is the coordinator's last click of the award.
    await stepPage('notify', 'Notification du marché');
    await w.page.getByRole('button', { name: 'Terminer l’étape' }).click();
    await w.page.getByText(/Étape terminée le/).waitFor();
    expect(await visibleText(w.page)).not.toMatch(LEAKS);
    expect(w.problems).toEqual([]);
  });

  it('after the session expires mid-work, goes back to the sign-in page, says why, then returns where the reader was', async () => {
    await w.page.goto(`/programmes/${programmeId}`);
    await w.page.getByRole('heading', { level: 1, name: title }).waitFor();
    await w.context.clearCookies(); // the session ends (expiry, sign-out elsewhere)
    // The reader's next click meets the ended session, unless the page's own next request (a live update,
    // a refetch) met it first: either way the sign-in page keeps where the reader was going.
    const programmes = w.page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Programmes' });
    await programmes.click({ timeout: 5_000 }).catch(() => undefined);
    await w.page.waitForURL((url) => url.pathname === '/connexion');
    const next = new URL(w.page.url()).searchParams.get('next');
    expect(['/programmes', `/programmes/${programmeId}`]).toContain(next);
    await w.page.getByRole('status').filter({ hasText: 'Votre session a expiré : reconnectez-vous pour reprendre là où vous en étiez.' }).waitFor();
    await w.page.getByLabel('Adresse e-mail').fill(coordinator.email);
    await w.page.getByLabel('Mot de passe').fill(coordinator.password);
    await w.page.getByRole('button', { name: 'Se connecter' }).click();
    await w.page.waitForURL((url) => url.pathname === next);
    if (next === '/programmes') {
      // The list is sorted by next due date and paged; with the whole suite's programmes in the database a
      // finished tender sits on a later page, so the reader searches for it as anyone would.
      await w.page.getByRole('searchbox').fill(title);
      await w.page.getByRole('link', { name: title }).waitFor();
    } else {
      await w.page.getByRole('heading', { level: 1, name: title }).waitFor();
    }
    expect(w.problems.filter((p) => !p.includes('401'))).toEqual([]);
  });

  it('shows no internal code or English word on the coordinator’s and the bidder’s pages', async () => {
    const pages = ['/taches', '/programmes', `/programmes/${programmeId}`, '/modeles', '/modeles/tender', '/tableau-de-bord', '/preferences', '/programmes/nouveau?modele=tender'];
    const leaks: string[] = [];
    for (const path of pages) {
      await w.page.goto(path);
      await w.page.getByRole('heading', { level: 1 }).first().waitFor();
      await w.page.waitForLoadState('networkidle');
      const found = LEAKS.exec(await visibleText(w.page));
      if (found) leaks.push(`${path}: ${found[0]}`);
    }
    const bidder = await openPage(browser, h.apiUrl);
    opened.push(bidder);
    await signIn(bidder.page, bidderA.email, bidderA.password);
    for (const path of ['/taches', '/programmes', `/programmes/${programmeId}`, `/programmes/${programmeId}/etapes/answers`]) {
      await bidder.page.goto(path);
      await bidder.page.getByRole('heading', { level: 1 }).first().waitFor();
      await bidder.page.waitForLoadState('networkidle');
      const found = LEAKS.exec(await visibleText(bidder.page));
      if (found) leaks.push(`partner ${path}: ${found[0]}`);
    }
    expect(leaks).toEqual([]);
  });
});
