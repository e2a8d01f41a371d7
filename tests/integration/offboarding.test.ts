import { apiClient, createOrganisation, createUser, publishTemplates, startHarness, type Harness, type TestUser } from '../support/harness';
import { engineTestTemplate } from '../support/test-templates';

/** Offboarding through the API: deactivate a user, archive or rename an organisation; history keeps them. */
describe('offboarding', () => {
  let h: Harness;
  let api: ReturnType<typeof apiClient>;
  let admin: TestUser;
  let coordinator: TestUser;
  const templateKey = `offboarding-${Date.now()}`;

  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    api = apiClient(h.apiUrl);
    await publishTemplates(h.prisma, [engineTestTemplate(templateKey)]);
    admin = await createUser(h, 'admin');
    coordinator = await createUser(h, 'coordinator');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('deactivates a user: every session, the calendar feed and sign-in stop; their name stays in the history', async () => {
    const org = await createOrganisation(h);
    const partner = await createUser(h, 'partner', org);
    const secondSession = (await api.post('/api/v1/auth/login', { email: partner.email, password: partner.password })).body.token as string;
    const feed = (await api.post('/api/v1/me/calendar-feed', undefined, partner.token)).body.token as string;
    const started = await api.post('/api/v1/programmes', { templateKey, title: 'Historique', startDate: '2026-11-28', params: { slots: { contractor: org } } }, coordinator.token);
    const id: string = started.body.id;
    expect((await api.post(`/api/v1/programmes/${id}/steps/kickoff/complete`, {}, coordinator.token)).status).toBe(200);
    expect((await api.post(`/api/v1/programmes/${id}/steps/report/deliverables`, { title: 'Rapport', url: 'https://example.org/r.pdf' }, partner.token)).status).toBe(201);

    expect((await api.post(`/api/v1/users/${partner.id}/deactivate`, undefined, coordinator.token)).status).toBe(403);
    const done = await api.post(`/api/v1/users/${partner.id}/deactivate`, undefined, admin.token);
    expect(done.status).toBe(200);
    expect(done.body.deactivatedAt).toEqual(expect.any(String));

    for (const token of [partner.token, secondSession]) expect((await api.get('/api/v1/me', token)).status).toBe(401);
    expect((await api.get(`/api/v1/calendar.ics?token=${feed}`)).status).toBe(401);
    const signIn = await api.post('/api/v1/auth/login', { email: partner.email, password: partner.password });
    expect({ status: signIn.status, code: signIn.body.code }).toEqual({ status: 401, code: 'unauthenticated' });
    // History: the deliverable event still names them.
    const events = await api.get(`/api/v1/programmes/${id}/events`, coordinator.token);
    const added = events.body.items.find((e: { type: string }) => e.type === 'deliverable.added');
    expect(added.actorName).toBe((await h.prisma.user.findUniqueOrThrow({ where: { id: partner.id } })).name);
    // No one deactivates themselves; reactivation lets them sign in again.
    expect((await api.post(`/api/v1/users/${admin.id}/deactivate`, undefined, admin.token)).status).toBe(409);
    expect((await api.post(`/api/v1/users/${partner.id}/reactivate`, undefined, admin.token)).status).toBe(200);
    expect((await api.post('/api/v1/auth/login', { email: partner.email, password: partner.password })).status).toBe(200);
    expect((await api.get(`/api/v1/calendar.ics?token=${feed}`)).status).toBe(401);
  });

  it('renames and archives an organisation: out of the list, nothing new given to it, back when restored', async () => {
    const org = await createOrganisation(h);
    const renamed = await api.patch(`/api/v1/organisations/${org}`, { name: 'Nouveau nom' + Date.now() }, coordinator.token);
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toMatch(/^Nouveau nom/);
    expect((await api.patch(`/api/v1/organisations/${org}`, {}, coordinator.token)).status).toBe(400);
    const archived = await api.patch(`/api/v1/organisations/${org}`, { archived: true }, admin.token);
    expect(archived.body.archivedAt).toEqual(expect.any(String));
    const list = async (q = '') => {
      const ids: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await api.get(`/api/v1/organisations?limit=200${q}${cursor ? `&cursor=${cursor}` : ''}`, admin.token);
        ids.push(...page.body.items.map((o: { id: string }) => o.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      return ids;
    };
    expect(await list()).not.toContain(org);
    expect(await list('&archived=true')).toContain(org);
    const start = await api.post('/api/v1/programmes', { templateKey, title: 'Archivée', startDate: '2026-11-28', params: { slots: { contractor: org } } }, coordinator.token);
    expect({ status: start.status, path: start.body.errors?.[0]?.path }).toEqual({ status: 422, path: 'body.params.slots.contractor' });
    expect((await api.post('/api/v1/users', { email: `archived-${Date.now()}@test.jalons`, name: 'X', role: 'partner', organisationId: org, password: 'mot de passe solide' }, admin.token)).status).toBe(422);
    expect((await api.patch(`/api/v1/organisations/${org}`, { archived: false }, admin.token)).body.archivedAt).toBeNull();
    expect(await list()).toContain(org);
    expect((await api.patch('/api/v1/organisations/org_unknown', { archived: true }, admin.token)).status).toBe(404);
  });
});
