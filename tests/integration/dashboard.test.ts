import { toParisDate } from '../../domain/calendar';
import type { TemplateInput } from '../../domain/template-schema';
import { apiClient, createOrganisation, createUser, publishTemplates, startHarness, waitFor, type Harness, type TestUser } from '../support/harness';

/** One partner step due on a date given at start (seconds away, days away), one coordinator milestone 20 days out. */
function dashboardTemplate(key: string): TemplateInput {
  return {
    key,
    version: 1,
    labels: { roles: { partner: { fr: 'Partenaire' } }, dateParams: { deadline: { fr: 'Date limite' } } },
    name: { fr: 'Portefeuille de test', en: 'Test portfolio' },
    dateParams: ['deadline'],
    indicators: [{ key: 'interviews', name: { fr: 'Entretiens', en: 'Interviews' }, target: 5, unit: 'entretiens' }],
    phases: [
      {
        key: 'run',
        name: { fr: 'Réalisation', en: 'Delivery' },
        steps: [
          { key: 'deliver', name: { fr: 'Livrer le rapport', en: 'Deliver the report' }, assignee: { kind: 'slot', slot: 'partner' }, due: { from: 'param', param: 'deadline' } },
          {
            key: 'committee',
            name: { fr: 'Comité de pilotage', en: 'Steering committee' },
            assignee: { kind: 'coordinator' },
            milestone: true,
            due: { from: 'programmeStart', offset: { amount: 20, unit: 'calendarDays' } },
          },
        ],
      },
    ],
  };
}

interface CalendarEvent {
  uid: string;
  summary: string;
  /** DTEND as an ISO instant: the due instant. */
  end: string;
}

/** Unfolds content lines, then reads each VEVENT's UID, SUMMARY (unescaped) and DTEND (UTC). */
function parseEvents(ics: string): CalendarEvent[] {
  const lines = ics.replace(/\r\n[ \t]/g, '').split('\r\n');
  const unescape = (v: string) => v.replace(/\\([\\,;nN])/g, (_m, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
  const events: CalendarEvent[] = [];
  let current: Partial<CalendarEvent> | undefined;
  for (const line of lines) {
    if (line === 'BEGIN:VEVENT') current = {};
    else if (line === 'END:VEVENT') {
      events.push(current as CalendarEvent);
      current = undefined;
    } else if (current) {
      const [, name, value] = /^([A-Z-]+(?:;[^:]*)?):(.*)$/.exec(line) ?? [];
      if (name === 'UID') current.uid = value;
      else if (name === 'SUMMARY') current.summary = unescape(value!);
      else if (name === 'DTEND') current.end = value!.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6.000Z');
    }
  }
  return events;
}

describe('portfolio dashboard, calendar feed and metrics', () => {
  let h: Harness;
  let api: ReturnType<typeof apiClient>;
  let coordinator: TestUser;
  let manager: TestUser;
  let partnerX: TestUser;
  let partnerY: TestUser;
  const templateKey = `dash-${Date.now()}`;
  // Commas, semicolons, a backslash and length: escaping and 75-octet folding are exercised.
  const titleA = 'Programme A, volet 1; « essai » \\ avec un intitulé suffisamment long pour être replié';
  const ids: Record<'a' | 'b' | 'c' | 'd' | 'e' | 'f', string> = { a: '', b: '', c: '', d: '', e: '', f: '' };

  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    api = apiClient(h.apiUrl);
    await publishTemplates(h.prisma, [dashboardTemplate(templateKey)]);
    const [orgX, orgY, orgZ] = await Promise.all([createOrganisation(h), createOrganisation(h), createOrganisation(h)]);
    coordinator = await createUser(h, 'coordinator');
    manager = await createUser(h, 'manager');
    partnerX = await createUser(h, 'partner', orgX);
    partnerY = await createUser(h, 'partner', orgY);

    const today = toParisDate(new Date());
    const start = async (title: string, deadline: Date, org: string) => {
      const res = await api.post('/api/v1/programmes', { templateKey, title, startDate: today, params: { dates: { deadline: deadline.toISOString() }, slots: { partner: org } } }, coordinator.token);
      if (res.status !== 201) throw new Error(`start failed: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.id as string;
    };
    const inDays = (days: number) => new Date(Date.now() + days * 86_400_000);
    // A: its partner step falls due one second after the start, so it is late by the time we look.
    ids.a = await start(titleA, new Date(Date.now() + 1000), orgX);
    ids.b = await start('Programme B', inDays(3), orgY);
    ids.c = await start('Programme C', inDays(30), orgX);
    ids.d = await start('Programme D', inDays(30), orgY);
    ids.e = await start('Programme E', inDays(30), orgY);
    ids.f = await start('Programme F', inDays(30), orgZ);

    expect((await api.post(`/api/v1/programmes/${ids.c}/steps/deliver/complete`, {}, partnerX.token)).status).toBe(200);
    expect((await api.post(`/api/v1/programmes/${ids.c}/steps/committee/complete`, {}, coordinator.token)).status).toBe(200);
    expect((await api.post(`/api/v1/programmes/${ids.d}/cancel`, { reason: 'Financement retiré' }, coordinator.token)).status).toBe(200);
    expect((await api.post(`/api/v1/programmes/${ids.f}/pause`, {}, coordinator.token)).status).toBe(200);
    expect((await api.post(`/api/v1/programmes/${ids.a}/indicators/interviews`, { value: 2 }, coordinator.token)).status).toBe(200);
    await waitFor('programme A to have a late step', async () => ((await h.prisma.programme.findUnique({ where: { id: ids.a } }))?.lateSteps ?? 0) > 0);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('answers the portfolio: counts, RAG health with its rule, late and at-risk steps, milestones, indicators', async () => {
    const res = await api.get(`/api/v1/dashboard?templateKey=${templateKey}`, manager.token);
    expect(res.status).toBe(200);
    const d = res.body;
    expect(Math.abs(Date.parse(d.generatedAt) - Date.now())).toBeLessThan(60_000);
    expect(d.programmesByStatus).toEqual({ active: 3, paused: 1, completed: 1, cancelled: 1 });
    expect(d.byTemplate).toEqual([{ templateKey, count: 6 }]);
    expect(d.ragCounts).toEqual({ red: 1, amber: 1, green: 1 });

    expect(d.health.map((p: any) => [p.programmeId, p.rag])).toEqual([[ids.a, 'red'], [ids.b, 'amber'], [ids.e, 'green']]);
    expect(d.health[0]).toMatchObject({ title: titleA, templateKey, status: 'active', lateSteps: 1, rule: 'late_steps' });
    expect(d.health[1].rule).toBe('due_soon');
    expect(d.health[1].lateSteps).toBe(0);
    expect(d.health[2].rule).toBe('nothing_due_soon');

    const steps = await h.prisma.step.findMany({ where: { programmeId: { in: Object.values(ids) } } });
    const stepRow = (id: string, key: string) => steps.find((s) => s.programmeId === id && s.key === key)!;
    expect(d.lateSteps).toEqual([
      { programmeId: ids.a, programmeTitle: titleA, stepKey: 'deliver', stepName: 'Livrer le rapport', dueAt: stepRow(ids.a, 'deliver').dueAt!.toISOString(), organisationId: partnerX.organisationId },
    ]);
    expect(d.atRiskSteps).toEqual([
      { programmeId: ids.b, programmeTitle: 'Programme B', stepKey: 'deliver', stepName: 'Livrer le rapport', dueAt: stepRow(ids.b, 'deliver').dueAt!.toISOString(), organisationId: partnerY.organisationId },
    ]);
    // Not C (milestone reached), D (cancelled) nor F (paused); soonest first, ties by programme id.
    const titles: Record<string, string> = { [ids.a]: titleA, [ids.b]: 'Programme B', [ids.e]: 'Programme E' };
    const expected = [ids.a, ids.b, ids.e]
      .map((id) => ({ programmeId: id, programmeTitle: titles[id], stepKey: 'committee', stepName: 'Comité de pilotage', dueAt: stepRow(id, 'committee').dueAt!.toISOString() }))
      .sort((x, y) => x.dueAt.localeCompare(y.dueAt) || (x.programmeId < y.programmeId ? -1 : 1));
    expect(d.upcomingMilestones).toEqual(expected);

    // Active programmes first, then the completed and the paused ones; never the cancelled one.
    const byProgramme = new Map(d.indicators.map((i: any) => [i.programmeId, i]));
    expect([...byProgramme.keys()].sort()).toEqual([ids.a, ids.b, ids.c, ids.e, ids.f].sort());
    expect(byProgramme.get(ids.a)).toEqual({ programmeId: ids.a, programmeTitle: titleA, key: 'interviews', name: 'Entretiens', unit: 'entretiens', target: 5, actual: 2 });
    expect(byProgramme.get(ids.b)).toMatchObject({ target: 5, actual: 0 });
    const order = d.indicators.map((i: any) => i.programmeId);
    expect(new Set(order.slice(0, 3))).toEqual(new Set([ids.a, ids.b, ids.e]));
  });

  it('narrows to a status; the work lists only ever cover active programmes', async () => {
    const completed = await api.get(`/api/v1/dashboard?templateKey=${templateKey}&status=completed`, coordinator.token);
    expect(completed.status).toBe(200);
    expect(completed.body).toMatchObject({ programmesByStatus: { active: 0, paused: 0, completed: 1, cancelled: 0 }, byTemplate: [{ templateKey, count: 1 }], ragCounts: { red: 0, amber: 0, green: 0 }, health: [], lateSteps: [], atRiskSteps: [], upcomingMilestones: [] });
    expect(completed.body.indicators.map((i: any) => i.programmeId)).toEqual([ids.c]);
    const bad = await api.get('/api/v1/dashboard?status=finished', manager.token);
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['query.status']);
  });

  it('is for managers, coordinators and admins only', async () => {
    const denied = await api.get('/api/v1/dashboard', partnerX.token);
    expect(denied.status).toBe(403);
    expect(denied.headers.get('content-type')).toContain('application/problem+json');
    expect((await api.get('/api/v1/dashboard')).status).toBe(401);
  });

  it("gives a partner exactly its organisation's due dates as iCalendar, feed token in the query allowed", async () => {
    const res = await api.get('/api/v1/calendar.ics', partnerX.token);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/calendar; charset=utf-8');
    const ics: string = res.body;
    expect(ics.startsWith('BEGIN:VCALENDAR\r\n')).toBe(true);
    expect(ics.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(ics).not.toMatch(/[^\r]\n/);
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line, 'utf8')).toBeLessThanOrEqual(75);

    const steps = await h.prisma.step.findMany({ where: { organisationId: partnerX.organisationId } });
    const events = parseEvents(ics);
    // A's step (late) and C's (done); nothing of organisation Y's programmes.
    expect(events.map((e) => e.uid).sort()).toEqual([`${ids.a}.deliver@jalons`, `${ids.c}.deliver@jalons`].sort());
    expect(steps).toHaveLength(2);
    for (const step of steps) {
      const event = events.find((e) => e.uid === `${step.programmeId}.${step.key}@jalons`)!;
      expect(event.end).toBe(new Date(Math.floor(step.dueAt!.getTime() / 1000) * 1000).toISOString());
    }
    expect(events.find((e) => e.uid.startsWith(ids.a))!.summary).toBe(`Livrer le rapport — ${titleA}`);
    expect(ics).toContain('Programme A\\, volet 1\\; « essai » \\\\ avec');

    // A calendar client: no Authorization header, the user's feed token in the query (never the session token).
    const feedToken = (await api.post('/api/v1/me/calendar-feed', undefined, partnerY.token)).body.token as string;
    const viaQuery = await api.get(`/api/v1/calendar.ics?token=${encodeURIComponent(feedToken)}`);
    expect(viaQuery.status).toBe(200);
    expect(parseEvents(viaQuery.body).map((e) => e.uid).sort()).toEqual([`${ids.b}.deliver@jalons`, `${ids.e}.deliver@jalons`].sort());
    expect((await api.get(`/api/v1/calendar.ics?token=${encodeURIComponent(partnerY.token)}`)).status).toBe(401);
    expect((await api.get('/api/v1/calendar.ics?token=not-a-session')).status).toBe(401);
    expect((await api.get(`/api/v1/dashboard?token=${encodeURIComponent(manager.token)}`)).status).toBe(401);
  });

  it('gives coordinators their own steps and managers the milestones of active programmes', async () => {
    const mine = parseEvents((await api.get('/api/v1/calendar.ics', coordinator.token)).body).map((e) => e.uid);
    expect(mine.sort()).toEqual([ids.a, ids.b, ids.c, ids.e, ids.f].map((id) => `${id}.committee@jalons`).sort());
    const milestones = parseEvents((await api.get('/api/v1/calendar.ics', manager.token)).body).map((e) => e.uid);
    expect(milestones).toEqual(expect.arrayContaining([ids.a, ids.b, ids.e].map((id) => `${id}.committee@jalons`)));
    for (const id of [ids.c, ids.d, ids.f]) expect(milestones).not.toContain(`${id}.committee@jalons`);
    expect(milestones.some((uid) => uid.endsWith('.deliver@jalons'))).toBe(false);
  });

  it('exposes Prometheus metrics labelled by route pattern, never the raw URL', async () => {
    expect((await api.get(`/api/v1/dashboard?templateKey=${templateKey}`, manager.token)).status).toBe(200);
    expect((await api.get(`/api/v1/programmes/${ids.b}`, coordinator.token)).status).toBe(200);
    expect((await api.get('/no/such/path')).status).toBe(404);
    const res = await api.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const text: string = res.body;
    const series = (metric: string, labels: Record<string, string>) =>
      text.split('\n').filter((line) => line.startsWith(`${metric}{`) && Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)));
    expect(series('http_requests_total', { method: 'GET', route: '/api/v1/dashboard', status: '200' })).toEqual([expect.stringMatching(/\} [1-9]\d*$/)]);
    expect(series('http_requests_total', { method: 'GET', route: '/api/v1/dashboard', status: '403' })).toEqual([expect.stringMatching(/\} [1-9]\d*$/)]);
    expect(text).toContain('route="/api/v1/programmes/:id"');
    expect(text).toContain('route="unmatched"');
    expect(text).not.toContain(ids.b);
    expect(text).not.toContain('/no/such/path');
    expect(series('http_request_duration_seconds_count', { route: '/api/v1/dashboard', status: '200' })).toEqual([expect.stringMatching(/\} [1-9]\d*$/)]);
    expect(text).toContain('process_cpu_user_seconds_total');
  });
});
