import type { Browser } from 'playwright-core';
import { accessibilityProblems, launchChromium, openPage, signIn, type WatchedPage } from '../support/browser';
import { createOrganisation, createUser, startHarness, waitFor, type Harness, type TestUser } from '../support/harness';
import { expectReadModelInSync } from '../support/read-model';

/**
 * The role pickers: the coordinator starts DEFI choosing the organisation of each role the
 * template declares by typing part of its name (the server searches, accents and case ignored),
 * with the keyboard for one role and the mouse for the other, then enrols a training organisation
 * through the same picker on the programme page.
 */
describe('role pickers with organisation search (Chromium)', () => {
  let h: Harness;
  let browser: Browser;
  let coordinator: TestUser;
  let w: WatchedPage;
  const stamp = `r${Date.now().toString(36)}`;
  const names = { digital: `Manzalab ${stamp}`, decoy: `Manufacture des Œuvres ${stamp}`, theatre: `Compagnie Théâtre LAAB ${stamp}`, training: `Éducation & Formation AFPA ${stamp}` };
  const ids: Record<keyof typeof names, string> = { digital: '', decoy: '', theatre: '', training: '' };
  const title = `DEFI — rôles choisis ${stamp}`;
  let programmeId = '';

  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    browser = await launchChromium();
    ids.digital = await createOrganisation(h, names.digital, 'contractor');
    ids.decoy = await createOrganisation(h, names.decoy, 'contractor');
    ids.theatre = await createOrganisation(h, names.theatre, 'contractor');
    ids.training = await createOrganisation(h, names.training, 'training-organisation');
    coordinator = await createUser(h, 'coordinator');
    w = await openPage(browser, h.apiUrl);
    await signIn(w.page, coordinator.email, coordinator.password);
  });
  afterAll(async () => {
    await w?.context.close().catch(() => undefined);
    await browser?.close();
    await h?.stop();
  });

  it('starts a programme with each role chosen by typing part of the organisation’s name', async () => {
    await w.page.goto('/programmes/nouveau?modele=defi');
    await w.page.getByRole('heading', { level: 1, name: 'Démarrer un programme' }).waitFor();
    await w.page.getByLabel('Intitulé du programme').fill(title);
    const roles = w.page.getByRole('group', { name: 'Rôles' });
    // The roles the coordinator fills, by their French names; the one a sub-programme fills is said, not asked.
    await roles.getByText('Évaluateur : désigné par l’attribution de la consultation « Consultation évaluation continue ».').waitFor();
    const digital = roles.getByRole('combobox', { name: 'Prestataire des outils numériques (facultatif)' });
    const theatre = roles.getByRole('combobox', { name: 'Compagnie de théâtre-forum (facultatif)' });
    await expect(roles.getByRole('combobox').count()).resolves.toBe(2);

    // This run's organisations, in French alphabetical order (É among the E, not after Z).
    const list = roles.getByRole('listbox', { name: 'Prestataire des outils numériques (facultatif)' });
    await digital.fill(stamp);
    await roles.getByRole('status').filter({ hasText: '4 organisations trouvées.' }).waitFor();
    await expect(list.getByRole('option').allInnerTexts()).resolves.toEqual([names.theatre, names.training, names.decoy, names.digital]);

    // Keyboard alone: type part of the name (no capital, no accent), ↓ to the option, Enter.
    await digital.fill('');
    await digital.focus();
    await w.page.keyboard.type(`zalab ${stamp}`, { delay: 20 });
    await roles.getByRole('status').filter({ hasText: '1 organisation trouvée.' }).waitFor();
    await expect(list.getByRole('option').allInnerTexts()).resolves.toEqual([names.digital]);
    expect(await digital.getAttribute('aria-expanded')).toBe('true');
    expect(await accessibilityProblems(w.page)).toEqual([]);
    await w.page.keyboard.press('ArrowDown');
    expect(await digital.getAttribute('aria-activedescendant')).toBe(await list.getByRole('option', { name: names.digital }).getAttribute('id'));
    await w.page.keyboard.press('Enter');
    await expect(digital.inputValue()).resolves.toBe(names.digital);
    expect(await digital.getAttribute('aria-expanded')).toBe('false');

    // The mouse: accents typed differently, the option clicked.
    await theatre.fill(`theatre laab ${stamp}`);
    await roles.getByRole('listbox', { name: 'Compagnie de théâtre-forum (facultatif)' }).getByRole('option', { name: names.theatre }).click();
    await expect(theatre.inputValue()).resolves.toBe(names.theatre);
    // A search that finds nothing says so.
    await theatre.fill(`aucune ${stamp}`);
    await roles.getByRole('status').filter({ hasText: `Aucune organisation ne correspond à « aucune ${stamp} ».` }).waitFor();
    await w.page.keyboard.press('Escape');
    await w.page.keyboard.press('Escape'); // closed list: Escape clears the field
    await expect(theatre.inputValue()).resolves.toBe('');
    await theatre.fill(`laab ${stamp}`);
    await roles.getByRole('option', { name: names.theatre }).click();

    const submit = w.page.getByRole('button', { name: 'Démarrer' });
    await submit.click();
    await w.page.waitForURL((url) => /^\/programmes\/prg_/.test(url.pathname));
    await w.page.getByRole('heading', { level: 1, name: title }).waitFor();
    programmeId = new URL(w.page.url()).pathname.split('/')[2]!;
    const state = await expectReadModelInSync(h, programmeId);
    expect(state.slots).toEqual({ 'digital-contractor': ids.digital, 'theatre-contractor': ids.theatre });
    expect(w.problems).toEqual([]);
  });

  it('enrols a partner found by typing part of its name', async () => {
    await w.page.getByText('Inscrire un partenaire').click();
    const enrol = w.page.locator('details.enrol');
    const organisation = enrol.getByRole('combobox', { name: 'Organisation' });
    await organisation.focus();
    await w.page.keyboard.type(`education & f`, { delay: 20 });
    await enrol.getByRole('status').filter({ hasText: '1 organisation trouvée.' }).waitFor();
    await enrol.getByRole('option', { name: names.training }).waitFor();
    await w.page.keyboard.press('ArrowDown');
    await w.page.keyboard.press('Enter');
    await expect(organisation.inputValue()).resolves.toBe(names.training);
    const phase = enrol.getByRole('combobox', { name: /^Phase/ });
    await phase.selectOption('test');
    expect(await accessibilityProblems(w.page)).toEqual([]);
    const button = enrol.getByRole('button', { name: 'Inscrire', exact: true });
    await button.click();
    await enrol.getByText('Action enregistrée.').waitFor();
    // Ready for the next partner: the field is empty and the button waits for a choice.
    await expect(organisation.inputValue()).resolves.toBe('');
    expect(await button.isDisabled()).toBe(true);
    const state = await waitFor('the enrolment in the read model', async () => {
      const s = await expectReadModelInSync(h, programmeId);
      return s.phases.find((p) => p.key === 'test')?.enrolled.some((e) => e.organisationId === ids.training) && s;
    });
    expect(state.phases.find((p) => p.key === 'test')!.enrolled.filter((e) => e.organisationId === ids.training)).toHaveLength(1);
    expect(w.problems).toEqual([]);
  });
});
