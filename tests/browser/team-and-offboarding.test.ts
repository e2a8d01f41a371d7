import type { Browser, Request } from 'playwright-core';
import { toParisDate } from '../../domain/calendar';
import type { TemplateInput } from '../../domain/template-schema';
import { launchChromium, openPage, signIn, type WatchedPage } from '../support/browser';
import { apiClient, createOrganisation, createUser, publishTemplates, startHarness, waitFor, type Harness, type TestUser } from '../support/harness';

/** Write requests a page sends, with their Idempotency-Key. */
function recordWrites(w: WatchedPage): { method: string; path: string; key: string | undefined }[] {
  const writes: { method: string; path: string; key: string | undefined }[] = [];
  w.page.on('request', (req: Request) => {
    if (req.method() !== 'GET') writes.push({ method: req.method(), path: new URL(req.url()).pathname, key: req.headers()['idempotency-key'] });
  });
  return writes;
}

/**
 * The programme team and offboarding in the web UI (Chromium, real API and services): a programme's
 * coordinator adds a colleague to its team; an admin deactivates a user (their session stops at
 * once) and renames, archives and restores an organisation. One Idempotency-Key per submission.
 */
describe('programme team and offboarding in the web UI (Chromium)', () => {
  let h: Harness;
  let browser: Browser;
  let owner: TestUser;
  let colleague: TestUser;
  let admin: TestUser;
  let partner: TestUser;
  let programmeId: string;
  let orgId: string;
  const stamp = Date.now();
  const templateKey = `team-ui-${stamp}`;
  const title = `Équipe ${stamp}`;
  const orgName = `Organisme à renommer ${stamp}`;
  const pages: WatchedPage[] = [];

  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    browser = await launchChromium();
    const template: TemplateInput = {
      key: templateKey,
      version: 1,
      name: { fr: 'Équipe', en: 'Team' },
      phases: [{ key: 'p', name: { fr: 'Phase', en: 'Phase' }, steps: [{ key: 'only', name: { fr: 'Seule étape', en: 'Only step' }, assignee: { kind: 'coordinator' } }] }],
    } as TemplateInput;
    await publishTemplates(h.prisma, [template]);
    owner = await createUser(h, 'coordinator');
    colleague = await createUser(h, 'coordinator');
    admin = await createUser(h, 'admin');
    orgId = await createOrganisation(h, orgName);
    partner = await createUser(h, 'partner', orgId);
    const started = await apiClient(h.apiUrl).post('/api/v1/programmes', { templateKey, title, startDate: toParisDate(new Date()) }, owner.token);
    expect(started.status).toBe(201);
    programmeId = started.body.id;
  });
  afterAll(async () => {
    for (const w of pages) await w.context.close().catch(() => undefined);
    await browser?.close();
    await h?.stop();
  });

  it("lets the programme's coordinator add a colleague to its team", async () => {
    const w = await openPage(browser, h.apiUrl);
    pages.push(w);
    const writes = recordWrites(w);
    await signIn(w.page, owner.email, owner.password);
    await w.page.goto(`/programmes/${programmeId}`);
    const team = w.page.getByTestId('programme-team');
    await team.getByRole('heading', { name: 'Équipe du programme' }).waitFor();
    const ownerName = (await h.prisma.user.findUniqueOrThrow({ where: { id: owner.id } })).name;
    const colleagueName = (await h.prisma.user.findUniqueOrThrow({ where: { id: colleague.id } })).name;
    await expect(team.getByTestId('team-members').textContent()).resolves.toContain(`${ownerName} (responsable du programme)`);

    await team.getByText('Modifier l’équipe').click();
    await team.getByRole('checkbox', { name: colleagueName }).check();
    const save = team.getByRole('button', { name: 'Enregistrer l’équipe' });
    // Two clicks in one task: the second lands before React disables the button, and is ignored.
    await save.evaluate((button) => {
      (button as unknown as { click(): void }).click();
      (button as unknown as { click(): void }).click();
    });
    await team.getByText('Équipe enregistrée.').waitFor();
    await expect(team.getByTestId('team-members').textContent()).resolves.toContain(`${colleagueName} (ajouté·e à l’équipe)`);

    const api = apiClient(h.apiUrl);
    const saved = await api.get(`/api/v1/programmes/${programmeId}/team`, owner.token);
    expect(saved.body.members.map((m: { userId: string; via: string }) => `${m.userId}:${m.via}`).sort()).toEqual([`${colleague.id}:member`, `${owner.id}:coordinator`].sort());
    const puts = writes.filter((r) => r.method === 'PUT' && r.path === `/api/v1/programmes/${programmeId}/team`);
    expect(puts.length).toBe(1);
    expect(puts[0]!.key).toMatch(/^[0-9a-f-]{36}$/);
    // The colleague now acts on the programme: pausing it is theirs to do.
    expect((await api.post(`/api/v1/programmes/${programmeId}/pause`, {}, colleague.token)).status).toBe(200);
    expect(w.problems).toEqual([]);
  });

  it('lets an admin deactivate a user, whose session stops at once, and reactivate them', async () => {
    const api = apiClient(h.apiUrl);
    expect((await api.get('/api/v1/me', partner.token)).status).toBe(200);
    const w = await openPage(browser, h.apiUrl);
    pages.push(w);
    const writes = recordWrites(w);
    await signIn(w.page, admin.email, admin.password);
    await w.page.getByRole('link', { name: 'Administration' }).click();
    await w.page.getByRole('heading', { level: 1, name: 'Administration' }).waitFor();
    const partnerName = (await h.prisma.user.findUniqueOrThrow({ where: { id: partner.id } })).name;
    const row = w.page.getByTestId('admin-user').filter({ hasText: partner.email });
    await row.getByRole('button', { name: `Désactiver ${partnerName}` }).click();
    await row.getByText(/^désactivé depuis le /).waitFor();
    expect((await api.get('/api/v1/me', partner.token)).status).toBe(401);
    expect((await h.prisma.user.findUniqueOrThrow({ where: { id: partner.id } })).deactivatedAt).not.toBeNull();

    await row.getByRole('button', { name: `Réactiver ${partnerName}` }).click();
    await row.getByText('actif', { exact: true }).waitFor();
    expect((await h.prisma.user.findUniqueOrThrow({ where: { id: partner.id } })).deactivatedAt).toBeNull();
    // The admin's own row offers no deactivation.
    await expect(w.page.getByTestId('admin-user').filter({ hasText: admin.email }).getByRole('button').count()).resolves.toBe(0);
    const posts = writes.filter((r) => r.method === 'POST' && r.path.startsWith('/api/v1/users/'));
    expect(posts.map((r) => r.path)).toEqual([`/api/v1/users/${partner.id}/deactivate`, `/api/v1/users/${partner.id}/reactivate`]);
    expect(posts.every((r) => r.key && /^[0-9a-f-]{36}$/.test(r.key))).toBe(true);
    expect(w.problems).toEqual([]);
  });

  it('lets an admin rename, archive and restore an organisation', async () => {
    const w = await openPage(browser, h.apiUrl);
    pages.push(w);
    await signIn(w.page, admin.email, admin.password);
    await w.page.goto('/administration');
    const organisations = w.page.getByTestId('admin-organisations');
    const newName = `Organisme renommé ${stamp}`;
    const name = organisations.getByLabel(`Nouveau nom de « ${orgName} »`);
    await name.fill(newName);
    // `has` takes a locator relative to each row: from the page, not from the section.
    const rowOf = (label: string) => organisations.getByTestId('admin-organisation').filter({ has: w.page.getByLabel(label) });
    const row = rowOf(`Nouveau nom de « ${orgName} »`);
    await row.getByRole('button', { name: 'Renommer', exact: true }).click();
    await waitFor('the new name', async () => (await h.prisma.organisation.findUniqueOrThrow({ where: { id: orgId } })).name === newName);

    const renamed = rowOf(`Nouveau nom de « ${newName} »`);
    await renamed.getByRole('button', { name: `Archiver ${newName}` }).click();
    await waitFor('the organisation archived', async () => (await h.prisma.organisation.findUniqueOrThrow({ where: { id: orgId } })).archivedAt !== null);
    // Out of the list of active organisations, in the list of archived ones, from where it comes back.
    await organisations.getByLabel(`Nouveau nom de « ${newName} »`).waitFor({ state: 'detached' });
    await organisations.getByLabel('Afficher les organisations archivées').check();
    const archived = rowOf(`Nouveau nom de « ${newName} »`);
    await archived.getByRole('button', { name: 'Restaurer', exact: true }).click();
    await waitFor('the organisation restored', async () => (await h.prisma.organisation.findUniqueOrThrow({ where: { id: orgId } })).archivedAt === null);
    expect(w.problems).toEqual([]);
  });
});
