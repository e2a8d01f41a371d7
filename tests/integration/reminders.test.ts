import fs from 'node:fs';
import path from 'node:path';
import { apiClient, createOrganisation, createUser, publishTemplates, startHarness, waitFor, type Harness, type TestUser } from '../support/harness';
import { recordHistory } from '../support/histories';
import { waitForReadModelInSync } from '../support/read-model';
import { reminderTestTemplate } from '../support/test-templates';
import { killHard, spawnWorkerProcess } from '../support/worker-process';

/**
 * Durable timers drive reminders: before due, on the due date, overdue, escalation. They
 * follow due-date changes, and a worker killed with SIGKILL loses none and sends none twice.
 * Templates use second-scale offsets so the whole timeline fits in a test.
 */
describe('reminders on durable timers', () => {
  let h: Harness;
  let api: ReturnType<typeof apiClient>;
  let coordinator: TestUser;
  let partner: TestUser;
  let org: string;
  const suffix = Date.now();

  beforeAll(async () => {
    h = await startHarness({ worker: false });
    api = apiClient(h.apiUrl);
    org = await createOrganisation(h);
    coordinator = await createUser(h, 'coordinator');
    partner = await createUser(h, 'partner', org);
    await publishTemplates(h.prisma, [reminderTestTemplate(`remind-6-${suffix}`, 6), reminderTestTemplate(`remind-60-${suffix}`, 60), reminderTestTemplate(`remind-8-${suffix}`, 8)]);
  });
  afterAll(async () => {
    await h?.stop();
  });

  async function reminders(programmeId: string) {
    const rows = await h.prisma.notification.findMany({ where: { programmeId, kind: { in: ['reminder_before_due', 'due_today', 'overdue', 'escalation'] } }, orderBy: [{ queuedAt: 'asc' }] });
    // Reminders queued in one batch share a queuedAt: order them as planned (the escalation follows overdue-1, escalateAfter being 1).
    const rank = (key: string) => {
      const what = key.split(':')[2]!;
      if (what.startsWith('before-')) return 0;
      if (what === 'due') return 1;
      if (what === 'escalation') return 15;
      return 10 * Number(what.replace('overdue-', ''));
    };
    return rows
      .map((r) => ({ kind: r.kind, recipient: r.recipient, key: (r.payload as { data: { reminderKey: string } }).data.reminderKey, queuedAt: r.queuedAt, status: r.status }))
      .sort((a, b) => a.queuedAt.getTime() - b.queuedAt.getTime() || rank(a.key) - rank(b.key));
  }

  function start(templateKey: string) {
    return api.post('/api/v1/programmes', { templateKey, title: `Relances ${templateKey}`, startDate: '2026-11-28', params: { slots: { partner: org } } }, coordinator.token);
  }

  it('fires before due, on the due date, overdue and escalates, each at its moment and in order', async () => {
    const worker = await spawnWorkerProcess(h, path.join(process.env.DATA_DIR!, 'worker-timeline.log'));
    try {
      const started = await start(`remind-6-${suffix}`);
      expect(started.status).toBe(201);
      const id = started.body.id;
      const dueAt = Date.parse(started.body.phases[0].steps[0].dueAt);
      const timeline = await waitFor('four reminders', async () => {
        const r = await reminders(id);
        return r.length >= 4 && r;
      }, 30_000);
      expect(timeline.slice(0, 4).map((r) => `${r.kind}→${r.recipient}`)).toEqual([
        `reminder_before_due→${partner.email}`,
        `due_today→${partner.email}`,
        `overdue→${partner.email}`,
        `escalation→${coordinator.email}`,
      ]);
      // Each fired close to its planned moment (due − 3 s, due, due + 2 s, due + 2 s).
      const planned = [dueAt - 3000, dueAt, dueAt + 2000, dueAt + 2000];
      timeline.slice(0, 4).forEach((r, i) => {
        expect(r.queuedAt.getTime()).toBeGreaterThanOrEqual(planned[i]! - 50);
        expect(r.queuedAt.getTime() - planned[i]!).toBeLessThan(2000);
      });
      // Timer-driven changes reach the read model right after their notifications are queued.
      const state = await waitForReadModelInSync(h, id);
      expect(state.steps[0]!.late).toBe(true);
      const overdueList = await api.get('/api/v1/programmes?late=true&limit=200', coordinator.token);
      expect(overdueList.body.items.map((p: { id: string }) => p.id)).toContain(id);
      // Completing the step stops the series.
      expect((await api.post(`/api/v1/programmes/${id}/steps/deliver/complete`, {}, partner.token)).status).toBe(200);
      const after = (await reminders(id)).length;
      await new Promise((r) => setTimeout(r, 3000));
      expect((await reminders(id)).length).toBe(after);
      await recordHistory(h, id, 'reminders-timeline');
      // The coordinator's notification list pages in the order it shows, without gaps or repeats.
      const whole = (await api.get(`/api/v1/programmes/${id}/notifications?limit=200`, coordinator.token)).body.items.map((n: { id: string }) => n.id);
      const paged: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { items: { id: string }[]; nextCursor: string | null } } = await api.get(`/api/v1/programmes/${id}/notifications?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, coordinator.token);
        paged.push(...page.body.items.map((n) => n.id));
        cursor = page.body.nextCursor;
      } while (cursor);
      expect(whole.length).toBeGreaterThanOrEqual(5);
      expect(paged).toEqual(whole);
    } finally {
      await killHard(worker);
    }
  });

  it('moves the reminders when the due date is extended', async () => {
    const worker = await spawnWorkerProcess(h, path.join(process.env.DATA_DIR!, 'worker-extend.log'));
    try {
      const started = await start(`remind-60-${suffix}`);
      const id = started.body.id;
      const oldDue = started.body.phases[0].steps[0].dueAt as string;
      const newDue = new Date(Date.now() + 5000).toISOString();
      const patched = await api.patch(`/api/v1/programmes/${id}/steps/deliver`, { dueAt: newDue }, coordinator.token);
      expect(patched.status).toBe(200);
      expect(patched.body.dueAt).toBe(newDue);
      const rows = await waitFor('reminders for the new due date', async () => {
        const r = await reminders(id);
        return r.some((x) => x.kind === 'overdue') && r;
      }, 20_000);
      // Every reminder belongs to the new due date; nothing was planned for the old one.
      expect(rows.every((r) => r.key.endsWith(newDue))).toBe(true);
      expect(rows.some((r) => r.key.endsWith(oldDue))).toBe(false);
      expect(rows.map((r) => r.kind).slice(0, 3)).toEqual(['reminder_before_due', 'due_today', 'overdue']);
      expect(Math.abs(rows[1]!.queuedAt.getTime() - Date.parse(newDue))).toBeLessThan(2000);
      expect((await api.post(`/api/v1/programmes/${id}/steps/deliver/complete`, {}, partner.token)).status).toBe(200);
      await recordHistory(h, id, 'reminders-extended');
    } finally {
      await killHard(worker);
    }
  });

  it('loses nothing and sends nothing twice when the worker is killed with SIGKILL mid-programme', async () => {
    const logFile = path.join(process.env.DATA_DIR!, 'worker-kill.log');
    let worker = await spawnWorkerProcess(h, logFile);
    const started = await start(`remind-8-${suffix}`);
    const id = started.body.id;
    const dueAt = Date.parse(started.body.phases[0].steps[0].dueAt);
    // Let the first reminder (due − 3 s) go out, then crash the worker.
    await waitFor('the first reminder', async () => (await reminders(id)).length >= 1, 15_000);
    await killHard(worker);
    // While no worker runs, the due date and the first overdue moment pass.
    await new Promise((r) => setTimeout(r, Math.max(0, dueAt + 2500 - Date.now())));
    worker = await spawnWorkerProcess(h, logFile);
    try {
      const rows = await waitFor('the reminders missed during the outage', async () => {
        const r = await reminders(id);
        return r.some((x) => x.kind === 'escalation') && r;
      }, 30_000);
      const keys = rows.map((r) => `${r.key}→${r.recipient}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(rows.map((r) => r.kind).slice(0, 4)).toEqual(['reminder_before_due', 'due_today', 'overdue', 'escalation']);
      // The notifier sends each exactly once: one e-mail per notification row.
      const sent = await waitFor('all reminders sent', async () => {
        const r = await h.prisma.notification.findMany({ where: { programmeId: id } });
        return r.every((n) => n.status === 'sent') && r;
      }, 20_000);
      const mailDir = process.env.MAIL_DIR!;
      const mails = fs.readdirSync(mailDir).filter((f) => f.endsWith('.eml')).map((f) => fs.readFileSync(path.join(mailDir, f), 'utf8'));
      for (const n of sent) {
        expect({ id: n.id, mails: mails.filter((m) => m.includes(`X-Jalons-Notification: ${n.id}`)).length }).toEqual({ id: n.id, mails: 1 });
      }
      await waitForReadModelInSync(h, id);
    } finally {
      await killHard(worker);
    }
  });
});
