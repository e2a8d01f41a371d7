import type { Browser, Locator, Page } from 'playwright-core';
import { toParisDate } from '../../domain/calendar';
import { accessibilityProblems, closeBrowserSuite, launchChromium, openPage, signIn, type WatchedPage } from '../support/browser';
import { createOrganisation, createUser, startHarness, waitFor, type Harness, type TestUser } from '../support/harness';

/** The three months before the current Paris month, oldest first ("2026-08", "2026-09", "2026-10" on 2 December 2026). */
function pastMonths(today: string): string[] {
  const [year, month] = [Number(today.slice(0, 4)), Number(today.slice(5, 7))];
  return [3, 2, 1].map((back) => {
    const m = month - back;
    const y = m < 1 ? year - 1 : year;
    return `${y}-${String(((m + 11) % 12) + 1).padStart(2, '0')}`;
  });
}

/** "2026-08" as the page writes it: "août 2026". */
const frenchMonth = (period: string) => new Intl.DateTimeFormat('fr-FR', { timeZone: 'UTC', month: 'long', year: 'numeric' }).format(new Date(`${period}-15T12:00:00Z`));

/**
 * Periodic indicators (issue 19) in Chromium: a coordinator builds a "Points relais" template in the
 * editor (monthly in-person interviews per site, a target per month, entered by the reception points'
 * operator), publishes it, starts a programme three months back naming the operator, and enrols another
 * partner; the operator enters three months of counts for both sites (and corrects one); the table and
 * the chart show them against the target; the other partner's entry is refused in French.
 */
describe('periodic indicators (Chromium)', () => {
  let h: Harness;
  let browser: Browser;
  let coordinator: TestUser;
  let reception: TestUser;
  let other: TestUser;
  const opened: WatchedPage[] = [];
  const stamp = `p${Date.now().toString(36)}`;
  const templateKey = `points-relais-${stamp}`;
  const title = `Points relais de Dijon ${stamp}`;
  const names = { reception: `Creativ’ ${stamp}`, other: `Mission Locale ${stamp}` };
  const months = pastMonths(toParisDate(new Date()));
  // Grésilles, Fontaine d’Ouche: the counts of each month.
  const counts: [number, number][] = [
    [410, 250],
    [380, 240],
    [450, 300],
  ];
  let programmeId = '';

  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    browser = await launchChromium();
    const receptionOrg = await createOrganisation(h, names.reception, 'contractor');
    const otherOrg = await createOrganisation(h, names.other, 'training-organisation');
    coordinator = await createUser(h, 'coordinator');
    reception = await createUser(h, 'partner', receptionOrg);
    other = await createUser(h, 'partner', otherOrg);
  });
  afterAll(async () => {
    for (const w of opened.slice(1)) await w.context.close().catch(() => undefined);
    await closeBrowserSuite({ page: opened[0], browser, services: h });
  });

  const open = async () => {
    const w = await openPage(browser, h.apiUrl);
    opened.push(w);
    return w;
  };
  const indicatorOf = (page: Page) => page.locator('[data-testid="periodic-indicator"][data-indicator="entretiens-physiques"]');
  const rowOf = (section: Locator, period: string) => section.getByTestId('periodic-row').filter({ has: section.page().getByRole('rowheader', { name: frenchMonth(period), exact: true }) });
  const showYear = async (section: Locator, period: string) => {
    await section.getByTestId('periodic-year').selectOption(period.slice(0, 4));
  };

  it('coordinator: builds the template in the editor, publishes it, starts a programme three months back and enrols a partner', async () => {
    const { page, problems } = await open();
    await signIn(page, coordinator.email, coordinator.password);
    await page.goto('/modeles/nouveau');
    await page.getByRole('heading', { level: 1, name: 'Nouveau modèle' }).waitFor();
    await page.locator('#champ-key').fill(templateKey);
    await page.locator('#champ-name-fr').fill('Points relais');
    await page.locator('#champ-name-en').fill('Reception points');
    await page.locator('#champ-phases-0-name-fr').fill('Accueil des publics');
    await page.locator('#champ-phases-0-name-en').fill('Welcoming the public');
    await page.getByLabel('La phase accueille des partenaires inscrits').check();
    await page.locator('#champ-phases-0-steps-0-name-fr').fill('Organisation de l’accueil');
    await page.locator('#champ-phases-0-steps-0-name-en').fill('Organising the welcome');

    await page.getByRole('button', { name: 'Ajouter un indicateur' }).click();
    await page.locator('#champ-indicators-0-key').fill('entretiens-physiques');
    await page.locator('#champ-indicators-0-name-fr').fill('Entretiens physiques');
    await page.locator('#champ-indicators-0-name-en').fill('In-person interviews');
    // A target per period without a period: the French problem shows next to the field.
    await page.locator('#champ-indicators-0-period').selectOption('month');
    await page.locator('#champ-indicators-0-targetPerPeriod').fill('680');
    await page.locator('#champ-indicators-0-period').selectOption('none');
    const periodProblem = page.locator('[data-testid="field-error"][data-path="indicators.0.targetPerPeriod"]');
    await periodProblem.waitFor();
    expect(await periodProblem.textContent()).toBe('Choisissez une périodicité (mois, trimestre ou année) pour saisir par période ou par dimension.');
    await page.locator('#champ-indicators-0-period').selectOption('month');
    await page.locator('#champ-indicators-0-recordedBy').fill('point-relais');

    await page.getByRole('button', { name: 'Ajouter une dimension' }).click();
    await page.locator('#champ-indicators-0-dimensions-0-key').fill('site');
    await page.locator('#champ-indicators-0-dimensions-0-name-fr').fill('Site');
    await page.locator('#champ-indicators-0-dimensions-0-name-en').fill('Site');
    await page.locator('#champ-indicators-0-dimensions-0-values-0-key').fill('gresilles');
    await page.locator('#champ-indicators-0-dimensions-0-values-0-name-fr').fill('Grésilles');
    await page.locator('#champ-indicators-0-dimensions-0-values-0-name-en').fill('Grésilles');
    await page.getByRole('button', { name: 'Ajouter une valeur' }).click();
    // The same code twice: refused next to the second value's code.
    await page.locator('#champ-indicators-0-dimensions-0-values-1-key').fill('gresilles');
    const duplicate = page.locator('[data-testid="field-error"][data-path="indicators.0.dimensions.0.values.1.key"]');
    await duplicate.waitFor();
    expect(await duplicate.textContent()).toBe('Le code « gresilles » figure deux fois.');
    await page.locator('#champ-indicators-0-dimensions-0-values-1-key').fill('fontaine-d-ouche');
    await page.locator('#champ-indicators-0-dimensions-0-values-1-name-fr').fill('Fontaine d’Ouche');
    await page.locator('#champ-indicators-0-dimensions-0-values-1-name-en').fill('Fontaine d’Ouche');
    // The recording role needs a name: its label field is listed with the others.
    await page.locator('#champ-labels-roles-point-relais-fr').fill('Structure d’accueil des Points Relais');

    await page.getByTestId('template-valid').waitFor();
    const publish = page.getByRole('button', { name: 'Publier la version' });
    await waitFor('publish enabled', async () => !(await publish.isDisabled()));
    await publish.click();
    await page.waitForURL((url) => url.pathname === `/modeles/${templateKey}`);
    await page.getByText('Version 1 publiée.').waitFor();

    await page.getByRole('link', { name: 'Démarrer un programme' }).click();
    await page.waitForURL((url) => url.pathname === '/programmes/nouveau');
    await page.getByLabel('Intitulé du programme').fill(title);
    await page.getByLabel('Date de démarrage').fill(`${months[0]}-01`);
    const role = page.getByRole('combobox', { name: 'Structure d’accueil des Points Relais (facultatif)' });
    await role.fill(stamp);
    await page.getByRole('option', { name: names.reception }).click();
    await page.getByRole('button', { name: 'Démarrer' }).click();
    await page.waitForURL((url) => /^\/programmes\/prg_/.test(url.pathname));
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    programmeId = new URL(page.url()).pathname.split('/')[2]!;

    // Another partner takes part in the phase, in no role.
    await page.getByText('Inscrire un partenaire').click();
    const enrol = page.locator('details.enrol');
    await enrol.getByRole('combobox', { name: 'Organisation' }).fill(`mission locale ${stamp}`);
    await enrol.getByRole('option', { name: names.other }).click();
    await enrol.getByRole('button', { name: 'Inscrire', exact: true }).click();
    await enrol.getByText('Action enregistrée.').waitFor();

    const section = indicatorOf(page);
    await section.getByRole('heading', { name: 'Entretiens physiques' }).waitFor();
    await section.getByText('Saisie par : Structure d’accueil des Points Relais ou la coordination').waitFor();
    expect(problems).toEqual([]);
  });

  it('the reception points’ operator enters three months of counts for both sites and corrects one; the table and chart show them against the target', async () => {
    const { page, problems } = await open();
    await signIn(page, reception.email, reception.password);
    await page.goto(`/programmes/${programmeId}`);
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    const section = indicatorOf(page);
    const form = section.getByTestId('periodic-form');
    const enter = async (period: string, site: string, count: number) => {
      await showYear(section, period);
      await form.getByLabel('Période').selectOption({ label: frenchMonth(period) });
      await form.getByLabel('Site').selectOption({ label: site });
      await form.getByLabel('Nombre').fill(String(count));
      await form.getByRole('button', { name: 'Enregistrer' }).click();
      // Saved: the count field empties once the API answered.
      await waitFor(`${site} ${period} saved`, async () => (await form.getByLabel('Nombre').inputValue()) === '');
    };
    for (const [n, period] of months.entries()) {
      await enter(period, 'Grésilles', counts[n]![0]);
      await enter(period, 'Fontaine d’Ouche', counts[n]![1]);
    }
    // The form offers begun periods only: no month after the current one.
    const offered = await form.getByLabel('Période').locator('option').allInnerTexts();
    expect(offered).not.toContain(frenchMonth(`${Number(toParisDate(new Date()).slice(0, 4)) + 1}-01`));

    for (const [n, period] of months.entries()) {
      await showYear(section, period);
      const row = rowOf(section, period);
      await waitFor(`the counts of ${period}`, async () => ((await row.getByTestId('periodic-total').textContent()) ?? '') === String(counts[n]![0] + counts[n]![1]));
      const cells = row.getByTestId('periodic-cell');
      expect(await cells.nth(0).locator('.periodic-value').textContent()).toBe(String(counts[n]![0]));
      expect(await cells.nth(1).locator('.periodic-value').textContent()).toBe(String(counts[n]![1]));
      // Who entered it and when, in Paris time (the operator's own colleague is named).
      expect(await cells.nth(0).locator('.periodic-by').textContent()).toMatch(new RegExp(`^${reception.name}, le \\d{1,2}(er)? \\S+ \\d{4}, \\d{2} h \\d{2}$`));
      expect(await row.getByTestId('periodic-target').textContent()).toBe('680');
    }
    await section.getByTestId('target-per-period').filter({ hasText: 'Objectif par période : 680' }).waitFor();
    expect(await section.getByTestId('periodic-chart').count()).toBe(1);
    expect(await section.getByTestId('periodic-chart').evaluate((c) => (c as unknown as { width: number }).width)).toBeGreaterThan(0);
    const headers = await section.locator('thead th').allInnerTexts();
    expect(headers).toEqual(['Période', 'Grésilles', 'Fontaine d’Ouche', 'Total', 'Objectif de la période']);

    // A correction: the latest value counts, the earlier one is shown on demand.
    await enter(months[0]!, 'Grésilles', 415);
    await showYear(section, months[0]!);
    const first = rowOf(section, months[0]!);
    await waitFor('the corrected total', async () => ((await first.getByTestId('periodic-total').textContent()) ?? '') === String(415 + counts[0]![1]));
    const corrected = first.getByTestId('periodic-cell').nth(0);
    await corrected.getByText('corrigé').click();
    await corrected.getByText(new RegExp(`^410 \\(${reception.name}, le `)).waitFor();
    // The year's totals (when the three months are in one year): counts as corrected, the target from the start month on.
    if (months.every((m) => m.slice(0, 4) === months[0]!.slice(0, 4))) {
      const total = 415 + counts[0]![1] + counts.slice(1).reduce((sum, [a, b]) => sum + a + b, 0);
      expect(((await section.getByTestId('periodic-year-total').textContent()) ?? '').replace(/\s/g, '')).toBe(String(total));
      expect(await section.locator('tfoot td').last().textContent().then((v) => (v ?? '').replace(/\s/g, ''))).toBe(String(680 * (13 - Number(months[0]!.slice(5, 7)))));
    }
    expect(await accessibilityProblems(page)).toEqual([]);
    const text = (await section.textContent()) ?? '';
    expect(text).not.toMatch(/\d{4}-\d{2}|gresilles|fontaine-d-ouche|point-relais|entretiens-physiques/);
    expect(problems).toEqual([]);
  });

  it('a partner outside the recording role is told in French why its count is refused', async () => {
    const { page, problems } = await open();
    await signIn(page, other.email, other.password);
    await page.goto(`/programmes/${programmeId}`);
    await page.getByRole('heading', { level: 1, name: title }).waitFor();
    const section = indicatorOf(page);
    const form = section.getByTestId('periodic-form');
    await showYear(section, months[1]!);
    await form.getByLabel('Période').selectOption({ label: frenchMonth(months[1]!) });
    await form.getByLabel('Nombre').fill('12');
    await form.getByRole('button', { name: 'Enregistrer' }).click();
    await form.getByRole('alert').filter({ hasText: 'L’indicateur « Entretiens physiques » est saisi par le rôle « Structure d’accueil des Points Relais » ou par la coordination.' }).waitFor();
    expect(await form.getByRole('alert').textContent()).not.toMatch(/indicator_recorded_by_role|not_allowed/);
    // Nothing changed: the month's total is the operator's.
    expect(await rowOf(section, months[1]!).getByTestId('periodic-total').textContent()).toBe(String(counts[1]![0] + counts[1]![1]));
    expect(problems.filter((p) => !p.includes('403'))).toEqual([]);
  });
});
