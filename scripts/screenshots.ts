/**
 * `npm run screenshots`: the screens of docs/screenshots/, taken from the demo data set.
 *
 * Boots a fresh installation like `npm start` (own data directory and port), loads the demo, takes one
 * more real step the seed's plan calls for next (the coordinator records the Test phase's
 * trainers' training and co-construction, which opens AFPA's step), then drives Debian's Chromium
 * through every persona's screens. Nothing is drawn by hand: every figure comes from the API.
 */
import fs from 'node:fs';
import path from 'node:path';
import { launchChromium, LAPTOP, openPage, PHONE, signIn } from '../tests/support/browser';
import { createApi, DEMO_COORDINATOR, DEMO_MANAGER, DEMO_PASSWORD, DEMO_TITLES, loadDemo } from './demo';
import { startOwnInstallation } from './own-installation';

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, 'docs', 'screenshots');
const PARTNER = 'afpa@demo.jalons.local';

async function main(): Promise<void> {
  fs.mkdirSync(outDir, { recursive: true });
  const inst = await startOwnInstallation(path.join(root, 'data', 'screenshots-run'));
  const base = inst.apiUrl;
  try {
    const demo = await loadDemo(base, inst.endpoints.DATABASE_URL);
    const defiId = demo.programmes[DEMO_TITLES.defi]!;
    const tiId = demo.programmes[DEMO_TITLES.ti]!;
    const api = createApi(base);
    const coordinator = (await api.call('POST', '/api/v1/auth/login', { email: DEMO_COORDINATOR, password: DEMO_PASSWORD })).token as string;
    const view = await api.call('GET', `/api/v1/programmes/${defiId}`, undefined, coordinator);
    const testSteps = view.phases.find((p: { key: string }) => p.key === 'test').steps as { key: string; expectedDeliverables: { kind: string; label: string; acceptance: boolean }[] }[];
    for (const [stepKey, note] of [
      ['trainers-training-test', 'Formation des formateurs AFPA réalisée.'],
      ['bricks-co-construction-test', 'Briques co-construites avec l’AFPA.'],
    ]) {
      const step = testSteps.find((s) => s.key === stepKey)!;
      for (const expected of step.expectedDeliverables) {
        const added = await api.call('POST', `/api/v1/programmes/${defiId}/steps/${stepKey}/deliverables`, { title: expected.label, url: `https://partage.demo.jalons.local/defi/${expected.kind}`, kind: expected.kind }, coordinator);
        if (expected.acceptance) await api.call('POST', `/api/v1/programmes/${defiId}/steps/${stepKey}/deliverables/${added.id}/review`, { decision: 'accepted' }, coordinator);
      }
      await api.call('POST', `/api/v1/programmes/${defiId}/steps/${stepKey}/complete`, { note }, coordinator);
    }

    const browser = await launchChromium();
    const shoot = async (page: import('playwright-core').Page, name: string) => {
      await page.waitForLoadState('networkidle').catch(() => undefined);
      await page.waitForTimeout(300);
      await page.screenshot({ path: path.join(outDir, `${name}.png`), fullPage: true });
      process.stdout.write(`  docs/screenshots/${name}.png\n`);
    };

    const visitor = await openPage(browser, base);
    await visitor.page.goto('/connexion');
    await shoot(visitor.page, '01-connexion');

    const partner = await openPage(browser, base);
    await signIn(partner.page, PARTNER, DEMO_PASSWORD);
    await shoot(partner.page, '02-partenaire-mes-taches');
    await partner.page.getByTestId('task').first().getByRole('link').click();
    await partner.page.getByRole('heading', { level: 1 }).waitFor();
    // A French file name with accents, kept as sent.
    await partner.page.getByLabel('Déposer un livrable').setInputFiles({ name: 'Compte-rendu_réunion_n°3_équipe_pédagogique.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% compte rendu\n%%EOF\n') });
    await partner.page.getByLabel('Titre du livrable').fill('Compte rendu des briques en phase Test');
    await partner.page.getByRole('button', { name: 'Envoyer' }).click();
    await partner.page.getByRole('status').waitFor();
    await shoot(partner.page, '03-partenaire-etape');

    const phone = await openPage(browser, base, PHONE);
    await signIn(phone.page, PARTNER, DEMO_PASSWORD);
    await shoot(phone.page, '04-partenaire-mes-taches-mobile');

    const steward = await openPage(browser, base, LAPTOP);
    await signIn(steward.page, DEMO_COORDINATOR, DEMO_PASSWORD);
    await steward.page.goto('/modeles');
    await shoot(steward.page, '05-modeles');
    await steward.page.goto('/modeles/defi');
    await shoot(steward.page, '06-modele-defi');
    await steward.page.goto(`/programmes/${defiId}`);
    await steward.page.getByTestId('timeline').locator('svg').first().waitFor();
    await shoot(steward.page, '07-programme-defi');
    await steward.page.goto(`/programmes/${tiId}`);
    await shoot(steward.page, '08-programme-ti-action-23');
    await steward.page.goto('/programmes/nouveau?modele=tender');
    await shoot(steward.page, '09-demarrer-programme');
    // The role picker: DEFI's contractors chosen by typing part of a name (server search).
    await steward.page.goto('/programmes/nouveau?modele=defi');
    await steward.page.getByLabel('Intitulé du programme').fill('DEFI — promotion 2022');
    const digital = steward.page.getByRole('combobox', { name: 'Prestataire des outils numériques (facultatif)' });
    await digital.fill('manza');
    await steward.page.getByRole('option', { name: 'Manzalab' }).click();
    const theatre = steward.page.getByRole('combobox', { name: 'Compagnie de théâtre-forum (facultatif)' });
    await theatre.fill('a');
    await steward.page.getByRole('status').filter({ hasText: /organisations? (trouvée|affichée)/ }).waitFor();
    await shoot(steward.page, '12-demarrer-programme-roles');
    // The enrol form's picker on the programme page.
    await steward.page.goto(`/programmes/${defiId}`);
    await steward.page.getByText('Inscrire un partenaire').click();
    await steward.page.locator('details.enrol').getByRole('combobox', { name: 'Organisation' }).fill('greta');
    await steward.page.locator('details.enrol').getByRole('option').first().waitFor();
    await steward.page.locator('details.enrol').scrollIntoViewIfNeeded();
    await steward.page.screenshot({ path: path.join(outDir, '13-inscrire-partenaire.png') });
    process.stdout.write('  docs/screenshots/13-inscrire-partenaire.png\n');
    // The awarded escape-game tender: ranking and award.
    const escapeId = demo.programmes[DEMO_TITLES.escape]!;
    await steward.page.goto(`/programmes/${escapeId}/etapes/award`);
    await steward.page.getByRole('heading', { level: 1 }).waitFor();
    await shoot(steward.page, '14-marche-attribution');

    const manager = await openPage(browser, base);
    await signIn(manager.page, DEMO_MANAGER, DEMO_PASSWORD);
    await shoot(manager.page, '10-tableau-de-bord');
    const managerPhone = await openPage(browser, base, PHONE);
    await signIn(managerPhone.page, DEMO_MANAGER, DEMO_PASSWORD);
    await shoot(managerPhone.page, '11-tableau-de-bord-mobile');

    const problems = [visitor, partner, phone, steward, manager, managerPhone].flatMap((w) => w.problems);
    await browser.close();
    if (problems.length) throw new Error(`the browser reported problems:\n${problems.join('\n')}`);
  } finally {
    await inst.stop();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
