import ICAL from 'ical.js';
import { addWorkingDaysToDate, parisDateToInstant, toParisDate } from '../../domain/calendar';
import { formatParisDate, formatParisDateTime } from '../../domain/paris-format';
import type { TemplateInput } from '../../domain/template-schema';
import { apiClient, createOrganisation, createUser, publishTemplates, startHarness, waitFor, type Harness, type TestUser } from '../support/harness';

/** One partner step due on a date param, one coordinator step: enough journal for paging. */
function template(key: string): TemplateInput {
  return {
    key,
    version: 1,
    labels: { roles: { partner: { fr: 'Partenaire' } }, dateParams: { deadline: { fr: 'Date limite' } } },
    name: { fr: 'Échéances affichées', en: 'Shown deadlines' },
    dateParams: ['deadline'],
    phases: [
      {
        key: 'run',
        name: { fr: 'Réalisation', en: 'Delivery' },
        steps: [
          { key: 'deliver', name: { fr: 'Livrer le rapport', en: 'Deliver the report' }, assignee: { kind: 'slot', slot: 'partner' }, due: { from: 'param', param: 'deadline' } },
          { key: 'review', name: { fr: 'Relire', en: 'Review' }, assignee: { kind: 'coordinator' } },
        ],
      },
    ],
  };
}

interface FeedEvent {
  uid: string;
  sequence: number;
  end: Date;
  stamp: Date;
  lastModified: Date | undefined;
  description: string;
}

/** What a calendar client reads: parsed by ical.js (Mozilla's RFC 5545 parser), not by a regex. */
function readFeed(ics: string): Map<string, FeedEvent> {
  const calendar = new ICAL.Component(ICAL.parse(ics));
  const events = new Map<string, FeedEvent>();
  for (const vevent of calendar.getAllSubcomponents('vevent')) {
    const event = new ICAL.Event(vevent);
    const lastModified = vevent.getFirstPropertyValue('last-modified') as ICAL.Time | null;
    events.set(event.uid, {
      uid: event.uid,
      sequence: event.sequence,
      end: event.endDate.toJSDate(),
      stamp: (vevent.getFirstPropertyValue('dtstamp') as ICAL.Time).toJSDate(),
      lastModified: lastModified ? lastModified.toJSDate() : undefined,
      description: event.description,
    });
  }
  return events;
}

describe('the closing hour of a deadline, calendar versions, paused tasks and the journal pages', () => {
  let h: Harness;
  let api: ReturnType<typeof apiClient>;
  let coordinator: TestUser;
  let partner: TestUser;
  const templateKey = `due-shown-${Date.now()}`;
  const today = toParisDate(new Date());

  const start = async (deadline: string) => {
    const res = await api.post('/api/v1/programmes', { templateKey, title: `Rapport à rendre le ${formatParisDate(deadline)}`, startDate: today, params: { dates: { deadline }, slots: { partner: partner.organisationId } } }, coordinator.token);
    if (res.status !== 201) throw new Error(`start failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id as string;
  };

  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    api = apiClient(h.apiUrl);
    await publishTemplates(h.prisma, [template(templateKey)]);
    coordinator = await createUser(h, 'coordinator');
    partner = await createUser(h, 'partner', await createOrganisation(h));
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('closes a date-only deadline at 18:00 Paris and says so: API views, /me, tasks, calendar', async () => {
    const due = addWorkingDaysToDate(today, 10);
    const id = await start(due);
    const expected = parisDateToInstant(due, '18:00').toISOString();

    const programme = await api.get(`/api/v1/programmes/${id}`, partner.token);
    const step = programme.body.phases[0].steps.find((s: { key: string }) => s.key === 'deliver');
    expect(step).toMatchObject({ dueDate: due, dueAt: expected });
    // What the UI prints from that instant (web/src/lib/format.ts uses the same formatter).
    expect(formatParisDateTime(step.dueAt)).toMatch(/^\d{1,2} [a-zéû]+ \d{4}, 18 h 00$/);

    const me = await api.get('/api/v1/me', partner.token);
    expect(me.body.dueTime).toBe('18:00');

    const tasks = await api.get('/api/v1/tasks', partner.token);
    expect(tasks.body.items.find((t: { programmeId: string }) => t.programmeId === id)).toMatchObject({ dueDate: due, dueAt: expected, status: 'active', late: false });

    // A coordinator's new date-only due date is that day at 18:00 Paris, too.
    const later = addWorkingDaysToDate(due, 5);
    const patched = await api.patch(`/api/v1/programmes/${id}/steps/deliver`, { dueDate: later }, coordinator.token);
    expect(patched.status).toBe(200);
    expect(patched.body.dueAt).toBe(parisDateToInstant(later, '18:00').toISOString());

    const feed = readFeed((await api.get('/api/v1/calendar.ics', partner.token)).body);
    const event = feed.get(`${id}.deliver@jalons`)!;
    expect(event.end.toISOString()).toBe(parisDateToInstant(later, '18:00').toISOString());
    expect(event.description).toContain(`Échéance : ${formatParisDateTime(patched.body.dueAt)}`);
  });

  it('gives a re-dated deadline a higher SEQUENCE, a newer DTSTAMP and a LAST-MODIFIED, under the same UID', async () => {
    const id = await start(addWorkingDaysToDate(today, 10));
    const uid = `${id}.deliver@jalons`;
    await waitFor('the step row', async () => (await h.prisma.step.findFirst({ where: { programmeId: id, key: 'deliver', dueAt: { not: null } } })) ?? undefined);
    const before = readFeed((await api.get('/api/v1/calendar.ics', partner.token)).body).get(uid)!;
    expect(before.sequence).toBe(0);
    expect(before.lastModified).toBeUndefined();

    await new Promise((r) => setTimeout(r, 1100)); // DTSTAMP and LAST-MODIFIED have one-second resolution
    const newDate = addWorkingDaysToDate(today, 20);
    expect((await api.patch(`/api/v1/programmes/${id}/steps/deliver`, { dueDate: newDate, reason: 'Report demandé' }, coordinator.token)).status).toBe(200);
    const after = readFeed((await api.get('/api/v1/calendar.ics', partner.token)).body).get(uid)!;
    expect(after.uid).toBe(before.uid);
    expect(after.sequence).toBeGreaterThan(before.sequence);
    expect(after.stamp.getTime()).toBeGreaterThan(before.stamp.getTime());
    expect(after.lastModified!.getTime()).toBeGreaterThan(before.stamp.getTime());
    expect(after.end.toISOString()).toBe(parisDateToInstant(newDate, '18:00').toISOString());

    // A resume that moves the due date by the paused duration is one more version.
    expect((await api.post(`/api/v1/programmes/${id}/pause`, {}, coordinator.token)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await api.post(`/api/v1/programmes/${id}/resume`, {}, coordinator.token)).status).toBe(200);
    const resumed = await waitFor('the resumed due date in the feed', async () => {
      const e = readFeed((await api.get('/api/v1/calendar.ics', partner.token)).body).get(uid);
      return e && e.sequence > after.sequence ? e : undefined;
    });
    expect(resumed.sequence).toBe(after.sequence + 1);
    expect(resumed.end.getTime()).toBeGreaterThan(after.end.getTime());
    // An unchanged due date is the same version, however often the feed is read.
    expect(readFeed((await api.get('/api/v1/calendar.ics', partner.token)).body).get(uid)!.sequence).toBe(resumed.sequence);
  });

  it('shows a paused programme\'s steps as paused, never open and late, in the partner\'s task list', async () => {
    const id = await start(new Date(Date.now() + 1000).toISOString());
    await waitFor('the step to be late', async () => ((await h.prisma.programme.findUnique({ where: { id } }))?.lateSteps ?? 0) > 0);
    const late = (await api.get('/api/v1/tasks', partner.token)).body.items.find((t: { programmeId: string }) => t.programmeId === id);
    expect(late).toMatchObject({ status: 'active', late: true });

    expect((await api.post(`/api/v1/programmes/${id}/pause`, {}, coordinator.token)).status).toBe(200);
    await waitFor('the paused projection', async () => (await h.prisma.programme.findUnique({ where: { id } }))?.status === 'paused');
    const paused = (await api.get('/api/v1/tasks', partner.token)).body.items.find((t: { programmeId: string }) => t.programmeId === id);
    expect(paused).toMatchObject({ stepKey: 'deliver', status: 'paused', late: false });
  });

  it('pages through all of a partner\'s tasks', async () => {
    const all = (await api.get('/api/v1/tasks?limit=500', partner.token)).body;
    expect(all.nextCursor).toBeNull();
    expect(all.items.length).toBeGreaterThanOrEqual(3);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { programmeId: string; stepKey: string }[]; nextCursor: string | null } } = await api.get(`/api/v1/tasks?limit=1${cursor ? `&cursor=${cursor}` : ''}`, partner.token);
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(1);
      seen.push(...page.body.items.map((t) => `${t.programmeId}:${t.stepKey}`));
      cursor = page.body.nextCursor;
    } while (cursor && seen.length < 1000);
    expect(seen).toEqual(all.items.map((t: { programmeId: string; stepKey: string }) => `${t.programmeId}:${t.stepKey}`));
    expect((await api.get('/api/v1/tasks?cursor=abc', partner.token)).status).toBe(400);
  });

  it('pages through the whole journal newest first, and oldest first as before', async () => {
    const id = await start(addWorkingDaysToDate(today, 10));
    for (let n = 0; n < 3; n++) expect((await api.patch(`/api/v1/programmes/${id}/steps/deliver`, { dueDate: addWorkingDaysToDate(today, 11 + n) }, coordinator.token)).status).toBe(200);
    const stored = (await h.prisma.programmeEvent.findMany({ where: { programmeId: id }, orderBy: { seq: 'asc' } })).map((e) => e.seq);
    expect(stored.length).toBeGreaterThanOrEqual(5);

    const readAll = async (order: 'asc' | 'desc') => {
      const seqs: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res: { status: number; body: { items: { seq: number }[]; nextCursor: string | null } } = await api.get(`/api/v1/programmes/${id}/events?order=${order}&limit=2${cursor ? `&cursor=${cursor}` : ''}`, coordinator.token);
        expect(res.status).toBe(200);
        seqs.push(...res.body.items.map((e) => e.seq));
        cursor = res.body.nextCursor;
        pages += 1;
      } while (cursor && pages < 100);
      return { seqs, pages };
    };
    const newest = await readAll('desc');
    expect(newest.seqs).toEqual([...stored].reverse());
    expect(newest.pages).toBe(Math.ceil(stored.length / 2));
    expect((await readAll('asc')).seqs).toEqual(stored);
    // The default stays oldest first (existing clients).
    expect((await api.get(`/api/v1/programmes/${id}/events`, coordinator.token)).body.items.map((e: { seq: number }) => e.seq)).toEqual(stored);
    expect((await api.get(`/api/v1/programmes/${id}/events?order=sideways`, coordinator.token)).status).toBe(400);
  });
});
