import fs from 'node:fs';
import path from 'node:path';
import type { Queue } from 'bullmq';
import { createNotificationActivities } from '../../activities/notifications';
import { createNotificationQueue } from '../../infra/runtime';
import { DIGEST_SCHEDULER_ID, sendDigests } from '../../notifier/digest';
import { DIGEST_TICK_JOB } from '../../notifier/notification-job';
import { REMINDER_KINDS } from '../../notifier/reminder-check';
import { apiClient, createOrganisation, createUser, publishTemplates, startHarness, waitFor, type Harness, type TestUser } from '../support/harness';
import { reminderTestTemplate } from '../support/test-templates';

interface Mail {
  notificationId: string;
  to: string[];
  subject: string;
  raw: string;
}

/** Messages in the catcher, in the order it received them (index.jsonl), with their raw text. */
function caughtMails(): Mail[] {
  const dir = process.env.MAIL_DIR!;
  const index = fs.readFileSync(path.join(dir, 'index.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { notificationId?: string; to: string[]; subject: string; file: string });
  return index.filter((m) => m.notificationId).map((m) => ({ notificationId: m.notificationId!, to: m.to, subject: m.subject, raw: fs.readFileSync(m.file, 'utf8') }));
}

/** The decoded text/plain body and text/calendar part of a nodemailer message. */
function partsOf(raw: string): { text: string; calendar?: string } {
  const decode = (part: string) => {
    const [head, ...body] = part.split(/\r?\n\r?\n/);
    const content = body.join('\n\n');
    if (/Content-Transfer-Encoding: base64/i.test(head!)) return Buffer.from(content.replace(/\s+/g, ''), 'base64').toString('utf8');
    if (/Content-Transfer-Encoding: quoted-printable/i.test(head!)) {
      return Buffer.from(content.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
    }
    return content;
  };
  const parts = raw.split(/\r?\n--[^\r\n]+\r?\n/);
  const text = parts.find((p) => /^Content-Type: text\/plain/im.test(p));
  const calendar = parts.find((p) => /^Content-Type: text\/calendar/im.test(p));
  return { text: text ? decode(text) : decode(raw), calendar: calendar ? decode(calendar) : undefined };
}

/** Europe/Paris wall-clock HH:mm of an instant. */
function parisTime(at: Date): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
}

/**
 * What people receive, over the real services and the SMTP catcher: a reminder timeline in
 * order, French and English texts with step name, Paris due date, link and .ics; quiet hours;
 * the daily digest and its unsubscribe link.
 */
describe('notification messages and preferences', () => {
  let h: Harness;
  let api: ReturnType<typeof apiClient>;
  let queue: Queue;
  let coordinator: TestUser;
  const suffix = Date.now();

  beforeAll(async () => {
    h = await startHarness();
    api = apiClient(h.apiUrl);
    queue = createNotificationQueue(h.endpoints.REDIS_URL);
    coordinator = await createUser(h, 'coordinator');
    await h.prisma.user.update({ where: { id: coordinator.id }, data: { locale: 'en' } });
    await publishTemplates(h.prisma, [reminderTestTemplate(`timeline-${suffix}`, 6), reminderTestTemplate(`digest-${suffix}`, 6), reminderTestTemplate(`quiet-${suffix}`, 3600)]);
  });
  afterAll(async () => {
    await queue?.close();
    await h?.stop();
  });

  function start(templateKey: string, org: string, title: string) {
    return api.post('/api/v1/programmes', { templateKey, title, startDate: '2026-11-28', params: { slots: { partner: org } } }, coordinator.token);
  }

  it('delivers a step’s reminder timeline in order, each message with step name, Paris due date, link and calendar event', async () => {
    const org = await createOrganisation(h);
    const partner = await createUser(h, 'partner', org);
    const started = await start(`timeline-${suffix}`, org, 'Chronologie des relances');
    expect(started.status).toBe(201);
    const id = started.body.id as string;
    const dueAt = started.body.phases[0].steps[0].dueAt as string;
    const rows = await waitFor('assignment, reminders and escalation sent', async () => {
      const r = await h.prisma.notification.findMany({ where: { programmeId: id } });
      return r.some((n) => n.kind === 'escalation' && n.status === 'sent') && r.filter((n) => n.kind === 'overdue' && n.status === 'sent').length >= 1 && r;
    }, 40_000);
    expect((await api.post(`/api/v1/programmes/${id}/steps/deliver/complete`, {}, partner.token)).status).toBe(200);

    const kindOf = new Map(rows.map((n) => [n.id, n.kind]));
    const mails = caughtMails().filter((m) => kindOf.has(m.notificationId));
    const toPartner = mails.filter((m) => m.to.includes(partner.email)).map((m) => kindOf.get(m.notificationId));
    // In the order the catcher received them: the timeline of the step.
    expect(toPartner.slice(0, 4)).toEqual(['assignment', 'reminder_before_due', 'due_today', 'overdue']);
    const escalationAt = mails.findIndex((m) => kindOf.get(m.notificationId) === 'escalation');
    expect(escalationAt).toBeGreaterThan(mails.findIndex((m) => kindOf.get(m.notificationId) === 'due_today'));
    expect(mails.filter((m) => kindOf.get(m.notificationId) === 'escalation').map((m) => m.to)).toEqual([[coordinator.email]]);
    // Each notification exactly once.
    expect(new Set(mails.map((m) => m.notificationId)).size).toBe(mails.length);

    const parisDue = new Date(dueAt).toLocaleString('fr-FR', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit' });
    const reminder = mails.find((m) => kindOf.get(m.notificationId) === 'reminder_before_due')!;
    expect(reminder.subject).toBe('[Jalons] Rappel : « Livrer » arrive à échéance — Chronologie des relances');
    const { text, calendar } = partsOf(reminder.raw);
    expect(text).toContain('Étape : Livrer');
    expect(text).toContain(`Échéance : `);
    expect(text).toContain(parisDue);
    expect(text).toContain(`${h.apiUrl}/programmes/${encodeURIComponent(id)}#step-deliver`);
    expect(text).toMatch(new RegExp(`${h.apiUrl.replace(/[.:/]/g, '\\$&')}/preferences\\?token=`));
    expect(reminder.raw).toMatch(/filename=echeance\.ics/);
    expect(calendar).toContain('BEGIN:VEVENT');
    expect(calendar).toContain(`UID:${id}.deliver@jalons`);
    expect(calendar).toMatch(/DTSTART;VALUE=DATE:\d{8}/);
    expect(reminder.raw).toMatch(new RegExp(`^Message-ID: <${reminder.notificationId}@notifications\\.jalons>`, 'im'));

    // The coordinator reads English; escalations carry no calendar event and no digest link.
    const escalation = partsOf(mails[escalationAt]!.raw);
    expect(mails[escalationAt]!.subject).toBe('[Jalons] Escalation: "Deliver" still overdue — Chronologie des relances');
    expect(escalation.text).toContain('Step: Deliver');
    expect(escalation.calendar).toBeUndefined();
    expect(escalation.text).not.toContain('preferences');

    // Recorded in PostgreSQL with the provider's answer.
    const sent = await h.prisma.notification.findMany({ where: { programmeId: id, status: 'sent' } });
    expect(sent.every((n) => n.response?.startsWith('250') && n.sentAt && n.attempts === 1)).toBe(true);
  });

  it('holds immediate messages during quiet hours until they end, but sends escalations at once', async () => {
    const org = await createOrganisation(h);
    const partner = await createUser(h, 'partner', org);
    const now = new Date();
    const quietHours = { start: parisTime(new Date(now.getTime() - 3600_000)), end: parisTime(new Date(now.getTime() + 3600_000)) };
    const patched = await api.patch('/api/v1/me/notification-preferences', { quietHours }, partner.token);
    expect(patched.status).toBe(200);
    expect(patched.body).toEqual({ delivery: 'immediate', quietHours, timeZone: 'Europe/Paris' });
    expect((await api.patch('/api/v1/me/notification-preferences', { quietHours: { start: '25:00', end: '08:00' } }, partner.token)).status).toBe(400);
    expect((await api.patch('/api/v1/me/notification-preferences', { quietHours }, coordinator.token)).status).toBe(200);

    const started = await start(`quiet-${suffix}`, org, 'Heures calmes');
    const id = started.body.id as string;
    const rows = await waitFor('the assignment row', async () => {
      const r = await h.prisma.notification.findMany({ where: { programmeId: id, kind: 'assignment' } });
      return r.length > 0 && r;
    });
    const row = rows[0]!;
    expect(row.status).toBe('queued');
    const expectedEnd = now.getTime() + 3600_000;
    expect(Math.abs(row.deliverAfter!.getTime() - expectedEnd)).toBeLessThan(61_000);
    const job = await queue.getJob(row.id);
    expect(await job!.getState()).toBe('delayed');
    expect(Math.abs(job!.timestamp + job!.delay - row.deliverAfter!.getTime())).toBeLessThan(1_000);

    // An escalation to a coordinator in quiet hours goes out now.
    await createNotificationActivities({ prisma: h.prisma, queue }).enqueueNotifications({
      programmeId: id,
      title: 'Heures calmes',
      coordinatorId: coordinator.id,
      seq: 1,
      // The step's own due date: a reminder for another due date would be dropped at send time.
      requests: [{ kind: 'escalation', stepKey: 'deliver', to: { coordinator: true }, data: { reminderKey: `${id}:deliver:escalation:test`, dueAt: started.body.phases[0].steps[0].dueAt } }],
    });
    const escalation = await waitFor('the escalation sent', async () => {
      const r = await h.prisma.notification.findFirst({ where: { programmeId: id, kind: 'escalation', status: 'sent' } });
      return r ?? undefined;
    });
    expect(escalation.deliverAfter).toBeNull();
    expect((await h.prisma.notification.findUniqueOrThrow({ where: { id: row.id } })).status).toBe('queued');
    await job!.remove();
  });

  it('sends a digest user one message a day listing every item, and lets them leave the digest from it', async () => {
    const org = await createOrganisation(h);
    const partner = await createUser(h, 'partner', org);
    expect((await api.get('/api/v1/me/notification-preferences', partner.token)).body).toEqual({ delivery: 'immediate', quietHours: null, timeZone: 'Europe/Paris' });
    expect((await api.patch('/api/v1/me/notification-preferences', { delivery: 'digest' }, partner.token)).body.delivery).toBe('digest');

    const started = await start(`digest-${suffix}`, org, 'Récapitulatif');
    const id = started.body.id as string;
    // Assignment, before due, due today and overdue wait for the digest; the escalation goes to the coordinator at once.
    await waitFor('reminders recorded and the escalation sent', async () => {
      const r = await h.prisma.notification.findMany({ where: { programmeId: id } });
      return r.some((n) => n.kind === 'escalation' && n.status === 'sent') && r.some((n) => n.kind === 'overdue');
    }, 40_000);
    expect((await api.post(`/api/v1/programmes/${id}/steps/deliver/complete`, {}, partner.token)).status).toBe(200);
    const items = await h.prisma.notification.findMany({ where: { programmeId: id, userId: partner.id }, orderBy: { queuedAt: 'asc' } });
    expect(items.length).toBeGreaterThanOrEqual(4);
    expect(items.every((n) => n.status === 'digest')).toBe(true);
    expect(caughtMails().filter((m) => m.to.includes(partner.email))).toEqual([]);

    // The daily tick, called directly.
    expect(await sendDigests({ prisma: h.prisma, queue }, new Date())).toBeGreaterThanOrEqual(1);
    const mail = await waitFor('the digest e-mail', async () => caughtMails().find((m) => m.to.includes(partner.email)));
    const digestRow = await h.prisma.notification.findUniqueOrThrow({ where: { id: mail.notificationId } });
    expect(digestRow).toMatchObject({ kind: 'digest', status: 'sent', userId: partner.id });
    const claimed = await h.prisma.notification.findMany({ where: { programmeId: id, userId: partner.id } });
    // The step was completed before the digest was built: its reminders are checked again, recorded
    // as dropped with the reason and left out ("L'échéance approche" for a step already done).
    const reminders = claimed.filter((n) => REMINDER_KINDS.has(n.kind));
    const listed = claimed.filter((n) => !REMINDER_KINDS.has(n.kind));
    expect(reminders.map((n) => n.kind).sort()).toEqual(expect.arrayContaining(['due_today', 'overdue', 'reminder_before_due']));
    expect(reminders.map((n) => ({ status: n.status, error: n.error }))).toEqual(reminders.map(() => ({ status: 'skipped', error: 'reminder_dropped:step_completed' })));
    expect(listed.map((n) => n.kind)).toEqual(['assignment']);
    expect(listed.every((n) => n.status === 'digested' && n.digestId === digestRow.id)).toBe(true);
    const { text, calendar } = partsOf(mail.raw);
    expect(mail.subject).toMatch(new RegExp(`^\\[Jalons\\] Récapitulatif du .+ : ${listed.length} élément\\(s\\)$`));
    expect(text.match(/^• /gm)).toHaveLength(listed.length);
    expect(text).toContain('• Nouvelle étape — Livrer — Récapitulatif');
    expect(text).not.toContain('• Rappel — Livrer — Récapitulatif');
    expect(text).not.toContain('• En retard — Livrer — Récapitulatif');
    expect(calendar?.match(/BEGIN:VEVENT/g)).toHaveLength(1);
    expect(mail.raw).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click/m);

    // Once a day: the daily tick (a BullMQ job scheduler at 08:00 Paris) firing again the same day sends nothing more.
    const scheduler = await queue.getJobScheduler(DIGEST_SCHEDULER_ID);
    expect(scheduler).toMatchObject({ pattern: '0 8 * * *', tz: 'Europe/Paris', name: DIGEST_TICK_JOB });
    expect(parisTime(new Date(scheduler!.next!))).toBe('08:00');
    const tick = await queue.add(DIGEST_TICK_JOB, {});
    await waitFor('the tick processed', async () => (await tick.getState()) === 'completed');
    await sendDigests({ prisma: h.prisma, queue }, new Date());
    await new Promise((r) => setTimeout(r, 2000));
    expect(caughtMails().filter((m) => m.to.includes(partner.email))).toHaveLength(1);

    // The link in the digest leaves it: one-click POST, no sign-in.
    const token = /preferences\?token=([^\s&]+)/.exec(text)![1]!;
    expect((await api.post(`/api/v1/notification-preferences/unsubscribe?token=${token}x`, undefined)).status).toBe(403);
    const byToken = await api.get(`/api/v1/notification-preferences/by-token?token=${token}`);
    expect(byToken.body.delivery).toBe('digest');
    const left = await api.post(`/api/v1/notification-preferences/unsubscribe?token=${token}`, undefined);
    expect(left.status).toBe(200);
    expect((await api.get('/api/v1/me/notification-preferences', partner.token)).body.delivery).toBe('immediate');
    expect((await api.get('/api/v1/me/notification-preferences')).status).toBe(401);
  });
});
