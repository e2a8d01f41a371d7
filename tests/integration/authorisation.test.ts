import { apiClient, createOrganisation, createUser, publishTemplates, startHarness, waitFor, type Harness, type TestUser } from '../support/harness';
import { engineTestTemplate } from '../support/test-templates';

type Who = 'anonymous' | 'admin' | 'coordinator' | 'manager' | 'partner';
const ALL_ROLES = ['admin', 'coordinator', 'manager', 'partner'] as const;
const STAFF = ['admin', 'coordinator'] as const;
const READERS = ['admin', 'coordinator', 'manager'] as const;
const ACTORS = ['admin', 'coordinator', 'partner'] as const;

/**
 * Who may call what: one entry per route of the OpenAPI document. A route added without an
 * entry here fails the test, so authorisation is decided on purpose, never by default.
 */
const MATRIX: Record<string, 'public' | readonly Exclude<Who, 'anonymous'>[]> = {
  'GET /healthz': 'public',
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/invitations/accept': 'public',
  'POST /api/v1/auth/logout': ALL_ROLES,
  'GET /api/v1/me': ALL_ROLES,
  'POST /api/v1/organisations': STAFF,
  'GET /api/v1/organisations': READERS,
  'POST /api/v1/users': ['admin'],
  'GET /api/v1/users': STAFF,
  'PATCH /api/v1/organisations/{id}': STAFF,
  'POST /api/v1/users/{id}/deactivate': ['admin'],
  'POST /api/v1/users/{id}/reactivate': ['admin'],
  'GET /api/v1/templates': ALL_ROLES,
  'GET /api/v1/templates/{key}': ALL_ROLES,
  'POST /api/v1/templates': STAFF,
  'POST /api/v1/templates/preview': STAFF,
  'GET /api/v1/templates/{key}/versions': ALL_ROLES,
  'PUT /api/v1/templates/{key}/archive': STAFF,
  'DELETE /api/v1/templates/{key}/archive': STAFF,
  'POST /api/v1/programmes': STAFF,
  'GET /api/v1/programmes': ALL_ROLES,
  'GET /api/v1/programmes/{id}': ALL_ROLES,
  'POST /api/v1/programmes/{id}/partners': STAFF,
  'POST /api/v1/programmes/{id}/steps/{stepKey}/deliverables': ACTORS,
  'GET /api/v1/programmes/{id}/steps/{stepKey}/deliverables/{deliverableId}/file': ALL_ROLES,
  'POST /api/v1/programmes/{id}/steps/{stepKey}/deliverables/{deliverableId}/review': STAFF,
  'POST /api/v1/programmes/{id}/steps/{stepKey}/complete': ACTORS,
  'PATCH /api/v1/programmes/{id}/steps/{stepKey}': STAFF,
  'POST /api/v1/programmes/{id}/phases/{phaseKey}/approve': STAFF,
  'POST /api/v1/programmes/{id}/cancel': STAFF,
  'POST /api/v1/programmes/{id}/pause': STAFF,
  'POST /api/v1/programmes/{id}/resume': STAFF,
  'POST /api/v1/programmes/{id}/indicators/{key}': ACTORS,
  'POST /api/v1/programmes/{id}/children': STAFF,
  'GET /api/v1/templates/{key}/upgrade-plans': STAFF,
  'GET /api/v1/programmes/{id}/upgrade-plan': STAFF,
  'POST /api/v1/programmes/{id}/upgrade': STAFF,
  'GET /api/v1/programmes/{id}/events': ALL_ROLES,
  'GET /api/v1/programmes/{id}/notifications': READERS,
  'GET /api/v1/programmes/{id}/team': READERS,
  'PUT /api/v1/programmes/{id}/team': STAFF,
  'GET /api/v1/tasks': ALL_ROLES,
  'GET /api/v1/dashboard': READERS,
  'GET /api/v1/dashboard/export.csv': READERS,
  'GET /api/v1/dashboard/export.xlsx': READERS,
  'GET /api/v1/programmes/{id}/report': READERS,
  'GET /api/v1/programmes/{id}/report.xlsx': READERS,
  'GET /api/v1/programmes/{id}/report.pdf': READERS,
  'POST /api/v1/programmes/{id}/import': STAFF,
  'GET /api/v1/imports/model.xlsx': READERS,
  'GET /api/v1/imports/model.csv': READERS,
  'GET /api/v1/calendar.ics': ALL_ROLES,
  'GET /api/v1/me/calendar-feed': ALL_ROLES,
  'POST /api/v1/me/calendar-feed': ALL_ROLES,
  'DELETE /api/v1/me/calendar-feed': ALL_ROLES,
  'GET /api/v1/me/notification-preferences': ALL_ROLES,
  'PATCH /api/v1/me/notification-preferences': ALL_ROLES,
  'GET /api/v1/notifications/failed': STAFF,
  'POST /api/v1/notifications/{id}/retry': STAFF,
  'GET /api/v1/events/stream': ALL_ROLES,
  // Reached from a signed link in an e-mail, without signing in: the token is the authority.
  'GET /api/v1/notification-preferences/by-token': 'public',
  'PATCH /api/v1/notification-preferences/by-token': 'public',
  'POST /api/v1/notification-preferences/unsubscribe': 'public',
};

describe('authorisation matrix: every route × every role', () => {
  let h: Harness;
  let api: ReturnType<typeof apiClient>;
  const users = {} as Record<Exclude<Who, 'anonymous'>, TestUser>;
  let programmeId: string;
  let deliverableId: string;
  let operations: { method: string; path: string }[];

  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    api = apiClient(h.apiUrl);
    const key = `authz-${Date.now()}`;
    await publishTemplates(h.prisma, [engineTestTemplate(key)]);
    const org = await createOrganisation(h);
    users.admin = await createUser(h, 'admin');
    users.coordinator = await createUser(h, 'coordinator');
    users.manager = await createUser(h, 'manager');
    users.partner = await createUser(h, 'partner', org);
    const started = await api.post('/api/v1/programmes', { templateKey: key, title: 'Matrice', startDate: '2026-11-28', params: { slots: { contractor: org } } }, users.coordinator.token);
    programmeId = started.body.id;
    await api.post(`/api/v1/programmes/${programmeId}/steps/kickoff/complete`, {}, users.coordinator.token);
    deliverableId = (await api.post(`/api/v1/programmes/${programmeId}/steps/report/deliverables`, { title: 'Rapport', url: 'https://example.org/r.pdf' }, users.partner.token)).body.id;
    const doc = (await api.get('/api/v1/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((method) => ({ method: method.toUpperCase(), path })));
  });
  afterAll(async () => {
    await h?.stop();
  });

  function concretePath(path: string): string {
    return path
      .replace('{id}', path.startsWith('/api/v1/notifications/') ? 'unknown-notification' : programmeId)
      .replace('{stepKey}', 'report')
      .replace('{phaseKey}', 'trial')
      .replace('{deliverableId}', deliverableId)
      .replace('{key}', path.startsWith('/api/v1/templates/') ? 'tender' : 'interviews');
  }

  async function call(method: string, path: string, who: Who): Promise<number> {
    let token = who === 'anonymous' ? undefined : users[who].token;
    if (path === '/api/v1/auth/logout' && who !== 'anonymous') {
      // Logging out must not end the session the rest of the matrix uses.
      token = (await api.post<{ token: string }>('/api/v1/auth/login', { email: users[who].email, password: users[who].password })).body.token;
    }
    const controller = new AbortController();
    // Streams (SSE) never end by themselves: the status line is all this test needs.
    const timer = setTimeout(() => controller.abort(), 3000);
    try {
      const res = await fetch(`${h.apiUrl}${concretePath(path)}`, {
        method,
        headers: { ...(token ? { Authorization: `Bearer ${token}` } : {}), ...(method === 'GET' ? {} : { 'Content-Type': 'application/json' }) },
        // The team PUT with a valid body keeps the team as it is (no one added): the matrix must not change who is on it.
        body: method === 'GET' ? undefined : path.endsWith('/team') ? '{"members":[]}' : '{}',
        signal: controller.signal,
      });
      await res.body?.cancel();
      return res.status;
    } finally {
      clearTimeout(timer);
    }
  }

  it('has a matrix entry for every route of the OpenAPI document, and no stale entry', () => {
    const documented = operations.map((o) => `${o.method} ${o.path}`).sort();
    expect(documented.filter((op) => !(op in MATRIX))).toEqual([]);
    expect(Object.keys(MATRIX).filter((op) => !documented.includes(op))).toEqual([]);
    expect(operations.length).toBeGreaterThanOrEqual(30);
  });

  it('enforces the matrix for every role on every route', async () => {
    const violations: string[] = [];
    for (const { method, path } of operations) {
      const rule = MATRIX[`${method} ${path}`];
      if (!rule) continue;
      for (const who of ['anonymous', ...ALL_ROLES] as Who[]) {
        const status = await call(method, path, who);
        const allowed = rule === 'public' || (who !== 'anonymous' && rule.includes(who));
        const expected = allowed ? 'not 401/403' : who === 'anonymous' ? '401' : '403';
        const ok = allowed ? status !== 401 && status !== 403 && status < 500 : status === (who === 'anonymous' ? 401 : 403);
        if (!ok) violations.push(`${method} ${path} as ${who}: got ${status}, expected ${expected}`);
      }
    }
    expect(violations).toEqual([]);
  });

  it('hides programmes from partners with no part in them (404, as for an unknown id)', async () => {
    const stranger = await createUser(h, 'partner', await createOrganisation(h));
    for (const path of ['/api/v1/programmes/{id}', '/api/v1/programmes/{id}/events']) {
      expect(await call('GET', path, 'partner')).toBe(200);
      const res = await api.get(concretePath(path), stranger.token);
      expect(res.status).toBe(404);
      expect(res.body.detail).toBe('No such programme.');
    }
    const unknown = await api.get('/api/v1/programmes/prg_does-not-exist', stranger.token);
    expect(unknown.body.detail).toBe('No such programme.');
  });

  describe('programme membership: coordinators act on their team\'s programmes, admins everywhere, managers read', () => {
    let outsider: TestUser;
    let memberProgramme: string;
    const write = (path: string, body: unknown, token: string) => api.post(path, body, token);

    beforeAll(async () => {
      outsider = await createUser(h, 'coordinator');
      const key = `team-${Date.now()}`;
      await publishTemplates(h.prisma, [engineTestTemplate(key)]);
      const org = await createOrganisation(h);
      memberProgramme = (await api.post('/api/v1/programmes', { templateKey: key, title: 'Équipe', startDate: '2026-11-28', params: { slots: { contractor: org } } }, users.coordinator.token)).body.id;
    });

    it('lets a coordinator outside the team read the programme but act on nothing (403 not_programme_member)', async () => {
      const seen = await api.get(`/api/v1/programmes/${memberProgramme}`, outsider.token);
      // The web UI shows coordinator actions only when the view says the caller is on the team.
      expect([seen.status, seen.body.onTeam]).toEqual([200, false]);
      expect((await api.get(`/api/v1/programmes/${memberProgramme}`, users.coordinator.token)).body.onTeam).toBe(true);
      expect((await api.get(`/api/v1/programmes/${memberProgramme}/events`, outsider.token)).status).toBe(200);
      const attempts = [
        await write(`/api/v1/programmes/${memberProgramme}/pause`, {}, outsider.token),
        await write(`/api/v1/programmes/${memberProgramme}/cancel`, { reason: 'pas mon programme' }, outsider.token),
        await write(`/api/v1/programmes/${memberProgramme}/steps/kickoff/complete`, {}, outsider.token),
        await api.patch(`/api/v1/programmes/${memberProgramme}/steps/report`, { dueDate: '2027-03-01' }, outsider.token),
        await api.call('PUT', `/api/v1/programmes/${memberProgramme}/team`, { body: { members: [outsider.id] }, token: outsider.token }),
        await write(`/api/v1/programmes/${memberProgramme}/upgrade`, { version: 2 }, outsider.token),
      ];
      expect(attempts.map((r) => [r.status, r.body.code])).toEqual(attempts.map(() => [403, 'not_programme_member']));
      const state = await api.get(`/api/v1/programmes/${memberProgramme}`, users.coordinator.token);
      expect(state.body.status).toBe('active');
      // Nothing to do for them either: their task list does not hold this programme's steps.
      const tasks = await api.get('/api/v1/tasks', outsider.token);
      expect(tasks.body.items.filter((t: { programmeId: string }) => t.programmeId === memberProgramme)).toEqual([]);
    });

    it('lets the team add a coordinator, who may then act, and remove them again', async () => {
      const added = await api.call('PUT', `/api/v1/programmes/${memberProgramme}/team`, { body: { members: [outsider.id] }, token: users.coordinator.token });
      expect(added.status).toBe(200);
      expect(added.body.members.map((m: { userId: string; via: string }) => [m.userId, m.via]).sort()).toEqual([[outsider.id, 'member'], [users.coordinator.id, 'coordinator']].sort());
      expect((await api.get(`/api/v1/programmes/${memberProgramme}`, outsider.token)).body.onTeam).toBe(true);
      const tasks = await api.get('/api/v1/tasks', outsider.token);
      expect(tasks.body.items.map((t: { programmeId: string; stepKey: string }) => `${t.programmeId}/${t.stepKey}`)).toContain(`${memberProgramme}/kickoff`);
      expect((await write(`/api/v1/programmes/${memberProgramme}/pause`, {}, outsider.token)).status).toBe(200);
      expect((await write(`/api/v1/programmes/${memberProgramme}/resume`, {}, outsider.token)).status).toBe(200);
      const removed = await api.call('PUT', `/api/v1/programmes/${memberProgramme}/team`, { body: { members: [] }, token: outsider.token });
      expect(removed.status).toBe(200);
      expect(removed.body.members.map((m: { userId: string }) => m.userId)).toEqual([users.coordinator.id]);
      expect((await write(`/api/v1/programmes/${memberProgramme}/pause`, {}, outsider.token)).body.code).toBe('not_programme_member');
    });

    it('refuses a team member who is not a coordinator (422 unknown_reference), and keeps the programme\'s coordinator on it', async () => {
      const res = await api.call('PUT', `/api/v1/programmes/${memberProgramme}/team`, { body: { members: [users.manager.id, 'usr_nobody'] }, token: users.coordinator.token });
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 422, code: 'unknown_reference' });
      expect(res.body.errors.map((e: { path: string }) => e.path)).toEqual(['body.members.0', 'body.members.1']);
      const team = await api.get(`/api/v1/programmes/${memberProgramme}/team`, users.manager.token);
      expect(team.body.members.map((m: { userId: string }) => m.userId)).toEqual([users.coordinator.id]);
    });

    it('extends a programme\'s team to its sub-programmes', async () => {
      const childKey = `team-child-${Date.now()}`;
      const parentKey = `team-parent-${Date.now()}`;
      await publishTemplates(h.prisma, [engineTestTemplate(childKey), engineTestTemplate(parentKey, { children: [{ key: 'sub', templateKey: childKey, title: { fr: 'Sous-programme', en: 'Sub-programme' }, start: 'byCoordinator' }] })]);
      const org = await createOrganisation(h);
      const parent = (await api.post('/api/v1/programmes', { templateKey: parentKey, title: 'Parent', startDate: '2026-11-28', params: { slots: { contractor: org } } }, users.coordinator.token)).body.id;
      const child = await api.post(`/api/v1/programmes/${parent}/children`, { childKey: 'sub', title: 'Enfant' }, users.coordinator.token);
      expect(child.status).toBe(201);
      await waitFor('the sub-programme in the read model', async () => (await api.get(`/api/v1/programmes/${child.body.id}`, users.coordinator.token)).status === 200);
      expect((await write(`/api/v1/programmes/${child.body.id}/pause`, {}, outsider.token)).body.code).toBe('not_programme_member');
      expect((await api.call('PUT', `/api/v1/programmes/${parent}/team`, { body: { members: [outsider.id] }, token: users.coordinator.token })).status).toBe(200);
      expect((await write(`/api/v1/programmes/${child.body.id}/pause`, {}, outsider.token)).status).toBe(200);
      expect((await write(`/api/v1/programmes/${child.body.id}/resume`, {}, outsider.token)).status).toBe(200);
      const team = await api.get(`/api/v1/programmes/${child.body.id}/team`, users.manager.token);
      expect(team.body.members.map((m: { userId: string; via: string }) => [m.userId, m.via]).sort()).toEqual([[outsider.id, 'parent'], [users.coordinator.id, 'coordinator']].sort());
    });

    it('lets an admin act everywhere without being on the team, and a manager only read', async () => {
      expect((await write(`/api/v1/programmes/${memberProgramme}/pause`, {}, users.admin.token)).status).toBe(200);
      expect((await write(`/api/v1/programmes/${memberProgramme}/resume`, {}, users.admin.token)).status).toBe(200);
      expect((await api.get(`/api/v1/programmes/${memberProgramme}`, users.manager.token)).body.onTeam).toBe(false);
      expect((await api.get(`/api/v1/programmes/${memberProgramme}`, users.admin.token)).body.onTeam).toBe(true);
      expect((await write(`/api/v1/programmes/${memberProgramme}/pause`, {}, users.manager.token)).status).toBe(403);
      expect((await api.call('PUT', `/api/v1/programmes/${memberProgramme}/team`, { body: { members: [] }, token: users.manager.token })).status).toBe(403);
    });
  });
});
