import type { Queue } from 'bullmq';
import { createNotificationActivities } from '../../activities/notifications';
import { isFrenchWorkingDay, toParisDate, toParisTime } from '../../domain/calendar';
import type { TemplateInput } from '../../domain/template-schema';
import { createNotificationQueue } from '../../infra/runtime';
import { sendDigests } from '../../notifier/digest';
import { programmeStateQuery } from '../../workflows/programme';
import { apiClient, createOrganisation, createUser, publishTemplates, startHarness, waitFor, type Harness, type TestUser } from '../support/harness';
import { recordHistory } from '../support/histories';
import { expectReadModelInSync, waitForReadModelInSync } from '../support/read-model';
import { reminderTestTemplate } from '../support/test-templates';

/**
 * The cases of issue 16 as a new user met them, on the real Temporal server, PostgreSQL, Redis
 * and notifier: the product's one date range, past due dates refused, working-day due dates and
 * reminders, pause/resume without a burst, reminders checked again when sent, and a
 * sub-programme whose parent has closed.
 */
describe('deadlines a French office can trust', () => {
  let h: Harness;
  let api: ReturnType<typeof apiClient>;
  let queue: Queue;
  let coordinator: TestUser;
  let partner: TestUser;
  let digestPartner: TestUser;
  let org: string;
  let digestOrg: string;
  const suffix = Date.now();
  const key = (name: string) => `${name}-${suffix}`;

  const childTemplate: TemplateInput = {
    key: key('closed-parent-child'),
    version: 1,
    name: { fr: 'Sous-programme', en: 'Sub-programme' },
    phases: [{ key: 'work', name: { fr: 'Travail', en: 'Work' }, capacity: { min: 0, max: 5 }, steps: [{ key: 'do', name: { fr: 'Faire', en: 'Do' }, assignee: { kind: 'coordinator' } }] }],
  };
  const parentTemplate: TemplateInput = {
    key: key('closed-parent'),
    version: 1,
    name: { fr: 'Parent', en: 'Parent' },
    children: [{ key: 'sub', templateKey: childTemplate.key, title: { fr: 'Sous-programme', en: 'Sub-programme' }, start: 'withParent' }],
    phases: [{ key: 'main', name: { fr: 'Principal', en: 'Main' }, steps: [{ key: 'wait', name: { fr: 'Attendre', en: 'Wait' }, assignee: { kind: 'coordinator' } }] }],
  };
  const farParamTemplate: TemplateInput = {
    key: key('far-param'),
    version: 1,
    labels: { dateParams: { deadline: { fr: 'Date limite' } } },
    name: { fr: 'Échéance lointaine', en: 'Far due date' },
    dateParams: ['deadline'],
    phases: [{ key: 'p', name: { fr: 'P', en: 'P' }, steps: [{ key: 'late-one', name: { fr: 'Trop loin', en: 'Too far' }, assignee: { kind: 'coordinator' }, due: { from: 'param', param: 'deadline', offset: { amount: 60, unit: 'calendarDays' } } }] }],
  };

  beforeAll(async () => {
    h = await startHarness();
    api = apiClient(h.apiUrl);
    queue = createNotificationQueue(h.endpoints.REDIS_URL);
    [org, digestOrg] = await Promise.all([createOrganisation(h), createOrganisation(h)]);
    coordinator = await createUser(h, 'coordinator');
    partner = await createUser(h, 'partner', org);
    digestPartner = await createUser(h, 'partner', digestOrg);
    await h.prisma.notificationPreference.create({ data: { userId: digestPartner.id, delivery: 'digest' } });
    await publishTemplates(h.prisma, [reminderTestTemplate(key('remind-600'), 600), reminderTestTemplate(key('remind-5'), 5), childTemplate, parentTemplate, farParamTemplate]);
  });
  afterAll(async () => {
    await queue?.close();
    await h?.stop();
  });

  const start = (templateKey: string, extra: Record<string, unknown> = {}, slotOrg = org) =>
    api.post('/api/v1/programmes', { templateKey, title: `Échéances ${templateKey}`, startDate: '2026-11-28', params: { slots: { partner: slotOrg } }, ...extra }, coordinator.token);

  async function events(id: string): Promise<{ type: string; data: Record<string, unknown> }[]> {
    return (await api.get(`/api/v1/programmes/${id}/events?limit=200`, coordinator.token)).body.items;
  }

  describe('one range of dates (1990-01-01 to 2100-12-31)', () => {
    it('answers 400 at once for a start date in year 0050 or 0000, and for a date param in 0099', async () => {
      for (const startDate of ['0050-06-15', '0000-01-01', '1989-12-31', '2101-01-01']) {
        const started = Date.now();
        const res = await api.post('/api/v1/programmes', { templateKey: 'governance-cadence', title: 'Hors plage', startDate }, coordinator.token);
        expect({ startDate, status: res.status, code: res.body.code, errors: res.body.errors }).toEqual({
          startDate,
          status: 400,
          code: 'validation_failed',
          errors: [{ path: 'body.startDate', message: 'expected a date between 1990-01-01 and 2100-12-31', code: 'date_out_of_range' }],
        });
        expect(Date.now() - started).toBeLessThan(5000);
      }
      const param = await api.post('/api/v1/programmes', { templateKey: farParamTemplate.key, title: 'Hors plage', startDate: '2026-11-28', params: { dates: { deadline: '0099-12-31' } } }, coordinator.token);
      expect({ status: param.status, code: param.body.code }).toEqual({ status: 400, code: 'validation_failed' });
      expect(await h.prisma.programme.count({ where: { startDate: { lt: '1990-01-01' } } })).toBe(0);
    });

    it('answers 400 (not 500) to PATCH dueDate "0099-12-31" and to a dueAt in 2101', async () => {
      const started = await start(key('remind-600'));
      expect(started.status).toBe(201);
      const id = started.body.id;
      const before = await expectReadModelInSync(h, id);
      const res = await api.patch(`/api/v1/programmes/${id}/steps/deliver`, { dueDate: '0099-12-31' }, coordinator.token);
      expect({ status: res.status, code: res.body.code, errors: res.body.errors }).toEqual({ status: 400, code: 'validation_failed', errors: [{ path: 'body.dueDate', message: 'expected a date between 1990-01-01 and 2100-12-31', code: 'date_out_of_range' }] });
      const instant = await api.patch(`/api/v1/programmes/${id}/steps/deliver`, { dueAt: '2101-01-01T10:00:00Z' }, coordinator.token);
      expect({ status: instant.status, code: instant.body.code }).toEqual({ status: 400, code: 'validation_failed' });
      expect((await expectReadModelInSync(h, id)).version).toBe(before.version);
    });

    it('records a due date an offset pushes past 2100 in the journal, tells the coordinator and keeps the programme running', async () => {
      const res = await api.post('/api/v1/programmes', { templateKey: farParamTemplate.key, title: 'Trop loin', startDate: '2026-11-28', params: { dates: { deadline: '2100-12-01' } } }, coordinator.token);
      expect(res.status).toBe(201);
      const id = res.body.id;
      expect(res.body.status).toBe('active');
      expect(res.body.phases[0].steps[0]).toMatchObject({ key: 'late-one', status: 'active' });
      expect(res.body.phases[0].steps[0].dueAt ?? null).toBeNull();
      const journal = await waitFor('the invalid due date in the journal', async () => {
        const e = await events(id);
        return e.some((x) => x.type === 'step.due_date_invalid') && e;
      });
      expect(journal.find((x) => x.type === 'step.due_date_invalid')!.data).toMatchObject({ stepKey: 'late-one', base: '2100-12-01' });
      const told = await waitFor('the coordinator told', async () => (await h.prisma.notification.findMany({ where: { programmeId: id, kind: 'due_date_invalid', userId: coordinator.id } })).length > 0);
      expect(told).toBe(true);
      // Never retried: the workflow is running, not stuck in an activity retry loop.
      const description = await h.client.workflow.getHandle(id).describe();
      expect(description.status.name).toBe('RUNNING');
      expect(description.raw.pendingActivities ?? []).toHaveLength(0);
    });
  });

  it('refuses "Reporter l\'échéance" to 01/01/2020 with due_date_in_past, applying nothing', async () => {
    const started = await start(key('remind-600'));
    const id = started.body.id;
    const before = await expectReadModelInSync(h, id);
    const res = await api.patch(`/api/v1/programmes/${id}/steps/deliver`, { dueDate: '2020-01-01' }, coordinator.token);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 422, code: 'due_date_in_past' });
    const after = await expectReadModelInSync(h, id);
    expect({ version: after.version, eventSeq: after.eventSeq, dueAt: after.steps[0]!.dueAt }).toEqual({ version: before.version, eventSeq: before.eventSeq, dueAt: before.steps[0]!.dueAt });
  });

  it('puts the governance cadence started 2027-08-04 on working days: the first technical committee, due Saturday 2 October, on Monday 2027-10-04', async () => {
    // (Version 3 of the template, issue 19: the committees recur; each occurrence is a step of its own, `step~n`.)
    const res = await api.post('/api/v1/programmes', { templateKey: 'governance-cadence', title: 'Instances 2027', startDate: '2027-08-04' }, coordinator.token);
    expect(res.status).toBe(201);
    const steps = res.body.phases.flatMap((p: { steps: unknown[] }) => p.steps) as { key: string; dueAt?: string; status: string }[];
    const committee = steps.find((s) => s.key === 'technical-committee~1')!;
    expect(committee.dueAt).toBe('2027-10-04T16:00:00.000Z');
    for (const s of steps.filter((x) => x.dueAt)) expect({ key: s.key, working: isFrenchWorkingDay(new Date(s.dueAt!)) }).toEqual({ key: s.key, working: true });
    // Their reminders: on working days at 09:00 Paris, before-due and due-today before the deadline, overdue after it.
    const state = await h.client.workflow.getHandle(res.body.id).query(programmeStateQuery);
    const planned = state.steps.flatMap((s) => s.reminderPlan?.reminders ?? []);
    expect(planned.length).toBeGreaterThan(9);
    for (const r of planned) {
      const at = new Date(r.at);
      const beforeDeadline = r.kind === 'reminder_before_due' || r.kind === 'due_today';
      expect({ key: r.key, working: isFrenchWorkingDay(at), hour: toParisTime(at), inOrder: beforeDeadline ? r.at < Date.parse(r.dueAt) : r.at > Date.parse(r.dueAt) }).toEqual({ key: r.key, working: true, hour: '09:00', inOrder: true });
    }
    const dueToday = planned.find((r) => r.key.includes(':technical-committee~1:due:'))!;
    expect(`${toParisDate(new Date(dueToday.at))} ${toParisTime(new Date(dueToday.at))}`).toBe('2027-10-04 09:00');
    await api.post(`/api/v1/programmes/${res.body.id}/cancel`, { reason: 'Fin du test' }, coordinator.token);
    await recordHistory(h, res.body.id, 'calendar-working-days');
  });

  it('pause a step due in 5 s, wait 8 s, resume: the due date moves by the pause, no step late, no burst of reminders', async () => {
    const started = await start(key('remind-5'));
    const id = started.body.id;
    const dueBefore = Date.parse(started.body.phases[0].steps[0].dueAt);
    const paused = await api.post(`/api/v1/programmes/${id}/pause`, {}, coordinator.token);
    expect(paused.status).toBe(200);
    const pausedAt = Date.now();
    await new Promise((r) => setTimeout(r, 8000));
    // Paused: the due moment passed, yet the step is not late.
    expect((await expectReadModelInSync(h, id)).steps[0]!.late).toBe(false);
    const remindersBefore = await h.prisma.notification.count({ where: { programmeId: id, kind: { in: ['reminder_before_due', 'due_today', 'overdue', 'escalation'] } } });
    const resumed = await api.post(`/api/v1/programmes/${id}/resume`, {}, coordinator.token);
    expect(resumed.status).toBe(200);
    const dueAfter = Date.parse(resumed.body.phases[0].steps[0].dueAt);
    expect(dueAfter - dueBefore).toBeGreaterThanOrEqual(8000);
    expect(dueAfter - dueBefore).toBeLessThan(Date.now() - pausedAt + 1000);
    expect(resumed.body.phases[0].steps[0].late).toBe(false);
    await new Promise((r) => setTimeout(r, 1000));
    const burst = await h.prisma.notification.findMany({ where: { programmeId: id, kind: { in: ['reminder_before_due', 'due_today', 'overdue', 'escalation'] } } });
    expect(burst.length - remindersBefore).toBeLessThanOrEqual(1);
    // Then the series runs on the moved due date, one message per reminder and recipient.
    const rows = await waitFor('the due-today reminder of the moved due date', async () => {
      const r = await h.prisma.notification.findMany({ where: { programmeId: id, kind: { in: ['reminder_before_due', 'due_today'] } } });
      return r.some((x) => x.kind === 'due_today') && r;
    }, 20_000);
    const keys = rows.map((r) => `${(r.payload as { data: { reminderKey: string } }).data.reminderKey}→${r.userId}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.every((k) => k.includes(new Date(dueAfter).toISOString()))).toBe(true);
    const journal = await events(id);
    expect(journal.filter((e) => e.type === 'programme.resumed')).toHaveLength(1);
    expect(journal.find((e) => e.type === 'programme.resumed')!.data.dueDatesMovedByMs).toBeGreaterThanOrEqual(8000);
    await waitFor('the step late', async () => journal.length && (await events(id)).some((e) => e.type === 'step.overdue'), 20_000);
    await api.post(`/api/v1/programmes/${id}/cancel`, { reason: 'Fin du test' }, coordinator.token);
    await recordHistory(h, id, 'calendar-pause-resume');
  });

  it('lets the coordinator keep the due dates on resume (?keepDueDates=true)', async () => {
    const started = (await start(key('remind-600'))).body;
    const dueAt = started.phases[0].steps[0].dueAt;
    expect((await api.post(`/api/v1/programmes/${started.id}/pause`, {}, coordinator.token)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1500));
    const resumed = await api.post(`/api/v1/programmes/${started.id}/resume?keepDueDates=true`, {}, coordinator.token);
    expect(resumed.status).toBe(200);
    expect(resumed.body.phases[0].steps[0].dueAt).toBe(dueAt);
    const journal = await events(started.id);
    expect(journal.find((e) => e.type === 'programme.resumed')!.data).toMatchObject({ keepDueDates: true, dueDatesMovedByMs: 0 });
    expect((await api.post(`/api/v1/programmes/${started.id}/resume?keepDueDates=maybe`, {}, coordinator.token)).status).toBe(400);
  });

  describe('a reminder checked again when it is sent', () => {
    async function queueReminder(id: string, dueAt: string, recipientOrg: string, kind = 'reminder_before_due') {
      const reminderKey = `${id}:deliver:test-${kind}-${Math.random()}:${dueAt}`;
      await createNotificationActivities({ prisma: h.prisma, queue }).enqueueNotifications({ programmeId: id, title: 'Relance tardive', coordinatorId: coordinator.id, seq: 1, requests: [{ kind, stepKey: 'deliver', to: { organisations: [recipientOrg] }, data: { reminderKey, dueAt } }] });
      return reminderKey;
    }
    async function outcome(id: string, recipientId: string) {
      return waitFor('the reminder handled by the notifier', async () => {
        const rows = await h.prisma.notification.findMany({ where: { programmeId: id, userId: recipientId, kind: 'reminder_before_due' } });
        return rows.length > 0 && rows.every((r) => !['queued', 'sending', 'retrying'].includes(r.status)) && rows.map((r) => ({ status: r.status, error: r.error }));
      }, 20_000);
    }

    it('drops it when the step is done, the programme paused, the step re-dated or reassigned, recording why', async () => {
      const done = (await start(key('remind-600'))).body;
      expect((await api.post(`/api/v1/programmes/${done.id}/steps/deliver/complete`, {}, partner.token)).status).toBe(200);
      await queueReminder(done.id, done.phases[0].steps[0].dueAt, org);
      expect(await outcome(done.id, partner.id)).toEqual([{ status: 'skipped', error: 'reminder_dropped:step_completed' }]);

      const paused = (await start(key('remind-600'))).body;
      expect((await api.post(`/api/v1/programmes/${paused.id}/pause`, {}, coordinator.token)).status).toBe(200);
      await queueReminder(paused.id, paused.phases[0].steps[0].dueAt, org);
      expect(await outcome(paused.id, partner.id)).toEqual([{ status: 'skipped', error: 'reminder_dropped:programme_paused' }]);

      const redated = (await start(key('remind-600'))).body;
      const newDue = new Date(Date.now() + 3_600_000).toISOString();
      expect((await api.patch(`/api/v1/programmes/${redated.id}/steps/deliver`, { dueAt: newDue }, coordinator.token)).status).toBe(200);
      await queueReminder(redated.id, redated.phases[0].steps[0].dueAt, org);
      expect(await outcome(redated.id, partner.id)).toEqual([{ status: 'skipped', error: 'reminder_dropped:due_date_changed' }]);

      const reassigned = (await start(key('remind-600'))).body;
      expect((await api.patch(`/api/v1/programmes/${reassigned.id}/steps/deliver`, { assignee: digestOrg }, coordinator.token)).status).toBe(200);
      await queueReminder(reassigned.id, reassigned.phases[0].steps[0].dueAt, org);
      expect(await outcome(reassigned.id, partner.id)).toEqual([{ status: 'skipped', error: 'reminder_dropped:step_reassigned' }]);

      // Still true: it goes out.
      const current = (await start(key('remind-600'))).body;
      await queueReminder(current.id, current.phases[0].steps[0].dueAt, org);
      expect(await outcome(current.id, partner.id)).toEqual([{ status: 'sent', error: null }]);
    });

    it('leaves a done step out of the daily digest, recording why', async () => {
      const done = (await start(key('remind-600'), {}, digestOrg)).body;
      const open = (await start(key('remind-600'), {}, digestOrg)).body;
      await queueReminder(done.id, done.phases[0].steps[0].dueAt, digestOrg);
      await queueReminder(open.id, open.phases[0].steps[0].dueAt, digestOrg);
      expect((await api.post(`/api/v1/programmes/${done.id}/steps/deliver/complete`, {}, digestPartner.token)).status).toBe(200);
      await sendDigests({ prisma: h.prisma, queue }, new Date());
      const digest = await waitFor('the digest sent', async () => {
        const rows = await h.prisma.notification.findMany({ where: { userId: digestPartner.id, kind: 'digest', status: 'sent' } });
        return rows[0];
      }, 20_000);
      const items = await h.prisma.notification.findMany({ where: { userId: digestPartner.id, programmeId: { in: [done.id, open.id] }, kind: 'reminder_before_due' } });
      expect(items.map((i) => ({ programme: i.programmeId, status: i.status, error: i.error })).sort((a, b) => (a.programme! < b.programme! ? -1 : 1))).toEqual(
        [
          { programme: done.id, status: 'skipped', error: 'reminder_dropped:step_completed' },
          { programme: open.id, status: 'digested', error: null },
        ].sort((a, b) => (a.programme < b.programme ? -1 : 1)),
      );
      expect(items.find((i) => i.programmeId === open.id)!.digestId).toBe(digest.id);
    });
  });

  it('pause, resume, enrol and cancel a sub-programme whose parent has closed: 2xx, and the report is dropped with an event', async () => {
    const parent = await api.post('/api/v1/programmes', { templateKey: parentTemplate.key, title: 'Parent fermé', startDate: '2026-11-28' }, coordinator.token);
    expect(parent.status).toBe(201);
    const childId = parent.body.children[0].id;
    await waitForReadModelInSync(h, childId);
    expect((await api.post(`/api/v1/programmes/${parent.body.id}/cancel`, { reason: 'Parent arrêté' }, coordinator.token)).status).toBe(200);
    await waitFor('the parent closed', async () => (await h.client.workflow.getHandle(parent.body.id).describe()).status.name === 'COMPLETED');
    const actions: [string, () => Promise<{ status: number; body: any }>, number][] = [
      ['pause', () => api.post(`/api/v1/programmes/${childId}/pause`, {}, coordinator.token), 200],
      ['resume', () => api.post(`/api/v1/programmes/${childId}/resume`, {}, coordinator.token), 200],
      ['enrol', async () => api.post(`/api/v1/programmes/${childId}/partners`, { organisationId: await createOrganisation(h), phaseKey: 'work' }, coordinator.token), 201],
      ['cancel', () => api.post(`/api/v1/programmes/${childId}/cancel`, { reason: 'Sous-programme arrêté' }, coordinator.token), 200],
    ];
    for (const [name, send, status] of actions) {
      const res = await send();
      expect({ name, status: res.status, code: res.body?.code }).toEqual({ name, status, code: undefined });
    }
    const child = await expectReadModelInSync(h, childId);
    expect(child.status).toBe('cancelled');
    const dropped = (await events(childId)).filter((e) => e.type === 'parent.report_dropped');
    expect(dropped.length).toBeGreaterThanOrEqual(1);
    expect(dropped[0]!.data).toMatchObject({ parentId: parent.body.id });
    await recordHistory(h, childId, 'calendar-child-of-closed-parent');
  });
});
