import { listTemplateRoles } from '../../domain/template-roles';
import { engineTestTemplate } from '../support/test-templates';
import { expectReadModelInSync } from '../support/read-model';
import { apiClient, createOrganisation, createUser, publishTemplates, startHarness, type Harness, type TestUser } from '../support/harness';

/**
 * GET /api/v1/organisations?q=: the role pickers' server-side search. Names carry a stamp of
 * this run so other tests' organisations never match; every case asserts the exact names.
 */
describe('organisation search (q) and roles at start', () => {
  let h: Harness;
  let coordinator: TestUser;
  const stamp = `Zq${Date.now().toString(36)}`;
  const names: [string, string, string, string, string, string] = [`Compagnie Éclat ${stamp}`, `Bureau d’études Lumière ${stamp}`, `ÉCOLE des Arts ${stamp}`, `Atelier 100%_Œuvre ${stamp}`, `eclairage public ${stamp}`, `Zèbre ${stamp}`];
  const ids = new Map<string, string>();

  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    coordinator = await createUser(h, 'coordinator');
    for (const name of names) ids.set(name, await createOrganisation(h, name, 'contractor'));
  });
  afterAll(async () => {
    await h?.stop();
  });

  const search = async (query: Record<string, string>, token = coordinator.token) => {
    const res = await apiClient(h.apiUrl).get(`/api/v1/organisations?${new URLSearchParams(query).toString()}`, token);
    return res as { status: number; body: { items: { id: string; name: string }[]; nextCursor: string | null; errors?: { path: string }[] } };
  };
  const namesOf = (res: { body: { items: { name: string }[] } }) => res.body.items.map((o) => o.name);

  it('finds by part of the name, accents, case and apostrophes ignored, in French alphabetical order', async () => {
    expect(namesOf(await search({ q: stamp }))).toEqual([names[3], names[1], names[0], names[4], names[2], names[5]]);
    expect(namesOf(await search({ q: `éclat ${stamp}` }))).toEqual([names[0]]);
    expect(namesOf(await search({ q: `ECLAT ${stamp}` }))).toEqual([names[0]]);
    expect(namesOf(await search({ q: `d'etudes lumiere ${stamp}` }))).toEqual([names[1]]);
    expect(namesOf(await search({ q: `ecole DES arts ${stamp}` }))).toEqual([names[2]]);
    expect(namesOf(await search({ q: `oeuvre ${stamp}` }))).toEqual([names[3]]);
    expect(namesOf(await search({ q: `  zebre ${stamp}  ` }))).toEqual([names[5]]); // trimmed
  });

  it('takes % and _ as letters, not wildcards', async () => {
    expect(namesOf(await search({ q: `100%_` }))).toEqual([names[3]]);
    expect(namesOf(await search({ q: `%${stamp}` }))).toEqual([]);
    expect(namesOf(await search({ q: `_clat ${stamp}` }))).toEqual([]);
  });

  it('pages through the results with the cursor, in the same order, none twice', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page += 1) {
      const res = await search({ q: stamp, limit: '2', ...(cursor ? { cursor } : {}) });
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...namesOf(res));
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual([names[3], names[1], names[0], names[4], names[2], names[5]]);
  });

  it('leaves archived organisations out unless asked, refuses a blank or too long query, and drops control characters (no name holds them)', async () => {
    await h.prisma.organisation.update({ where: { id: ids.get(names[5])! }, data: { archivedAt: new Date() } });
    expect(namesOf(await search({ q: `zebre ${stamp}` }))).toEqual([]);
    expect(namesOf(await search({ q: `zebre ${stamp}`, archived: 'true' }))).toEqual([names[5]]);
    for (const q of ['   ', 'x'.repeat(101)]) {
      const res = await search({ q });
      expect({ q, status: res.status, path: res.body.errors?.[0]?.path }).toEqual({ q, status: 400, path: 'query.q' });
    }
    // Schemathesis sends them where the document allows any text: searched without them, never a 400.
    expect(namesOf(await search({ q: `zeb\u0001re\n ${stamp}`, archived: 'true' }))).toEqual([names[5]]);
    const partner = await createUser(h, 'partner', ids.get(names[0])!);
    expect((await search({ q: stamp }, partner.token)).status).toBe(403);
  });

  it('starts a programme with the roles the template declares, and refuses a role it does not declare', async () => {
    const key = `roles-${Date.now()}`;
    const template = engineTestTemplate(key);
    await publishTemplates(h.prisma, [template]);
    expect(listTemplateRoles(template as never).map((r) => r.key)).toEqual(['contractor']);
    const api = apiClient(h.apiUrl);
    const started = await api.post('/api/v1/programmes', { templateKey: key, title: 'Rôles', startDate: '2026-11-28', params: { slots: { contractor: ids.get(names[0])! } } }, coordinator.token);
    expect(started.status).toBe(201);
    expect((await expectReadModelInSync(h, started.body.id)).slots).toEqual({ contractor: ids.get(names[0])! });
    const refused = await api.post('/api/v1/programmes', { templateKey: key, title: 'Rôles', startDate: '2026-11-28', params: { slots: { winner: ids.get(names[0])! } } }, coordinator.token);
    expect({ status: refused.status, path: refused.body.errors?.[0]?.path }).toEqual({ status: 400, path: 'body.params.slots.winner' });
  });
});
