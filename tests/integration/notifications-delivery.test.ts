import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { createTransport } from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import pino from 'pino';
import { createNotificationActivities } from '../../activities/notifications';
import { notificationIdFor } from '../../notifier/notification-job';
import { bullConnection, createNotificationQueue } from '../../infra/runtime';
import { createNotificationWrites } from '../../notifier/batched-writes';
import { startNotificationWorker } from '../../notifier/notification-worker';
import type { RateLimit } from '../../notifier/rate-limit';
import { startSmtpCatcher } from '../../notifier/smtp-catcher';
import { apiClient, createOrganisation, createUser, publishTemplates, startHarness, waitFor, type Harness, type TestUser } from '../support/harness';
import { reminderTestTemplate } from '../support/test-templates';
import { killHard } from '../support/worker-process';

/**
 * Delivery over the real Redis, PostgreSQL and SMTP: a notifier killed with SIGKILL while
 * sending, an interrupted hand-off the catcher can (or another server cannot) vouch for, an
 * SMTP outage, the per-domain rate limit, and the dead-letter view with its retry.
 * Only one notifier consumes the queue at a time in this file (the harness starts none).
 */
describe('notification delivery', () => {
  let h: Harness;
  let api: ReturnType<typeof apiClient>;
  let queue: Queue;
  let redis: Redis;
  let coordinator: TestUser;
  let programmeId: string;
  const suffix = Date.now();
  const root = path.resolve(__dirname, '..', '..');
  const logger = pino({ level: 'silent' });
  let seq = 10_000;

  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    api = apiClient(h.apiUrl);
    queue = createNotificationQueue(h.endpoints.REDIS_URL);
    redis = new Redis(h.endpoints.REDIS_URL, { maxRetriesPerRequest: null });
    const org = await createOrganisation(h);
    coordinator = await createUser(h, 'coordinator');
    await createUser(h, 'partner', org);
    await publishTemplates(h.prisma, [reminderTestTemplate(`delivery-${suffix}`, 3600)]);
    const started = await api.post('/api/v1/programmes', { templateKey: `delivery-${suffix}`, title: 'Livraison des messages', startDate: '2026-11-28', params: { slots: { partner: org } } }, coordinator.token);
    expect(started.status).toBe(201);
    programmeId = started.body.id;
  });
  afterAll(async () => {
    await queue?.close();
    await redis?.quit();
    await h?.stop();
  });

  /** Partner users of a fresh organisation, e-mail addresses spread over `domains`. */
  async function crowd(count: number, domains: string[]): Promise<{ org: string; userIds: string[] }> {
    const org = await createOrganisation(h);
    const users = Array.from({ length: count }, (_, i) => ({ id: `usr_${org.slice(4, 12)}_${i}`, email: `p${i}-${org.slice(4, 12)}@${domains[i % domains.length]}`, name: `Partenaire ${i}`, role: 'partner' as const, organisationId: org }));
    await h.prisma.user.createMany({ data: users });
    return { org, userIds: users.map((u) => u.id) };
  }

  /** Through the activity the workflows call (rows, preferences, BullMQ jobs); the ids in the order of the organisation's users. */
  async function enqueue(group: { org: string; userIds: string[] }, kind = 'deliverable_accepted'): Promise<string[]> {
    seq += 1;
    const count = await createNotificationActivities({ prisma: h.prisma, queue }).enqueueNotifications({ programmeId, title: 'Livraison des messages', coordinatorId: coordinator.id, seq, requests: [{ kind, stepKey: 'deliver', to: { organisations: [group.org] } }] });
    expect(count).toBe(group.userIds.length);
    return group.userIds.map((userId) => notificationIdFor([programmeId, kind, 'deliver', seq, userId]));
  }

  function statuses(ids: string[]) {
    return h.prisma.notification.findMany({ where: { id: { in: ids } } });
  }

  /** Notification id → number of .eml files carrying it in their X-Jalons-Notification header. */
  function countMails(dir: string, ids: string[]): Map<string, number> {
    const wanted = new Set(ids);
    const counts = new Map(ids.map((id) => [id, 0]));
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.eml'))) {
      const head = fs.readFileSync(path.join(dir, file), 'latin1').split(/\r?\n\r?\n/)[0]!;
      const id = /^X-Jalons-Notification:\s*(\S+)/im.exec(head)?.[1];
      if (id && wanted.has(id)) counts.set(id, counts.get(id)! + 1);
    }
    return counts;
  }

  function inProcessNotifier(smtpUrl: string, domainRateLimit?: RateLimit): Worker {
    return startNotificationWorker({ prisma: h.prisma, redis, queue, connection: bullConnection(h.endpoints.REDIS_URL), smtpUrl, mailFrom: 'Jalons <jalons@test.jalons>', appUrl: h.apiUrl, logger, ...(domainRateLimit ? { domainRateLimit } : {}) });
  }

  function spawnNotifier(logFile: string): ChildProcess {
    const log = fs.openSync(logFile, 'a');
    const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/start.ts', '--role=notifier'], {
      cwd: root,
      env: { ...process.env, TEMPORAL_ADDRESS: h.endpoints.TEMPORAL_ADDRESS, DATABASE_URL: h.endpoints.DATABASE_URL, REDIS_URL: h.endpoints.REDIS_URL, SMTP_URL: h.endpoints.SMTP_URL, APP_URL: h.apiUrl, LOG_LEVEL: 'warn' },
      stdio: ['ignore', log, log],
    });
    fs.closeSync(log);
    return child;
  }

  it('delivers 200 notifications exactly once although the notifier is killed with SIGKILL mid-send', async () => {
    const domains = Array.from({ length: 10 }, (_, i) => `crash-${i}.${suffix}.test`);
    const ids = await enqueue(await crowd(200, domains));
    expect(ids).toHaveLength(200);
    const logFile = path.join(process.env.DATA_DIR!, 'notifier-crash.log');
    let child = spawnNotifier(logFile);
    try {
      await waitFor('the first messages to go out', async () => (await h.prisma.notification.count({ where: { id: { in: ids }, status: 'sent' } })) >= 5, 60_000);
      await killHard(child);
      const atKill = await statuses(ids);
      const interrupted = atKill.filter((n) => n.status === 'sending');
      const sentAtKill = atKill.filter((n) => n.status === 'sent').length;
      // Interrupted after the catcher accepted but before the row said so: the case the probe exists for.
      const acceptedUnrecorded = interrupted.filter((n) => countMails(process.env.MAIL_DIR!, [n.id]).get(n.id) === 1).length;
      process.stdout.write(`[crash test] at SIGKILL: ${sentAtKill} sent, ${interrupted.length} sending (${acceptedUnrecorded} already accepted by SMTP), ${200 - sentAtKill - interrupted.length} waiting\n`);
      expect(sentAtKill).toBeLessThan(200);

      child = spawnNotifier(logFile);
      const rows = await waitFor('every notification sent', async () => {
        const r = await statuses(ids);
        return r.every((n) => n.status === 'sent') && r;
      }, 90_000);
      const counts = countMails(process.env.MAIL_DIR!, ids);
      expect([...counts.values()].filter((c) => c !== 1)).toEqual([]);
      expect(rows.every((n) => n.response && n.sentAt && n.messageId === `<${n.id}@notifications.jalons>`)).toBe(true);
      // The jobs that were in flight came back to the restarted notifier; those accepted before the kill were not sent again.
      for (const n of interrupted) expect(rows.find((r) => r.id === n.id)!.status).toBe('sent');
    } finally {
      await killHard(child);
    }
  });

  it('records, without sending again, a message the catcher already holds after an interrupted hand-off', async () => {
    const [held, lost] = await enqueue(await crowd(2, [`handoff.${suffix}.test`]));
    // As a worker killed between the SMTP answer and its bookkeeping leaves them: both `sending`, one already delivered.
    const transport = createTransport({ url: h.endpoints.SMTP_URL, ignoreTLS: true });
    const heldRow = await h.prisma.notification.findUniqueOrThrow({ where: { id: held! } });
    await transport.sendMail({ from: 'jalons@test.jalons', to: heldRow.recipient, subject: 'sent by the worker that died', text: '…', messageId: `<${held}@notifications.jalons>`, headers: { 'X-Jalons-Notification': held! } });
    transport.close();
    await h.prisma.notification.updateMany({ where: { id: { in: [held!, lost!] } }, data: { status: 'sending', attemptToken: 'the-dead-worker', sendingAt: new Date() } });
    const worker = inProcessNotifier(h.endpoints.SMTP_URL);
    try {
      const rows = await waitFor('both recorded as sent', async () => {
        const r = await statuses([held!, lost!]);
        return r.every((n) => n.status === 'sent') && r;
      });
      expect(rows.find((n) => n.id === held)!.response).toMatch(/held by the SMTP server/);
      expect(rows.find((n) => n.id === lost)!.response).toMatch(/^250/);
      expect(Object.fromEntries(countMails(process.env.MAIL_DIR!, [held!, lost!]))).toEqual({ [held!]: 1, [lost!]: 1 });
    } finally {
      await worker.close();
    }
  });

  it('does not resend an interrupted hand-off a real SMTP server cannot vouch for: dead letter, then retry by hand', async () => {
    const received: string[] = [];
    const provider = await startPlainSmtp(received);
    const group = await crowd(2, [`provider.${suffix}.test`]);
    const [uncertain, refused] = await enqueue(group);
    await h.prisma.notification.updateMany({ where: { id: uncertain! }, data: { status: 'sending', attemptToken: 'the-dead-worker' } });
    provider.refuse.add((await h.prisma.notification.findUniqueOrThrow({ where: { id: refused! } })).recipient);
    const worker = inProcessNotifier(provider.url);
    try {
      await waitFor('both dead-lettered', async () => (await statuses([uncertain!, refused!])).every((n) => n.status === 'failed'));
      expect(received).toEqual([]);
      const partner = await createUser(h, 'partner', group.org);
      expect((await api.get('/api/v1/notifications/failed', partner.token)).status).toBe(403);
      const failed = await api.get('/api/v1/notifications/failed?limit=200', coordinator.token);
      expect(failed.status).toBe(200);
      const byId = new Map(failed.body.items.map((i: { id: string }) => [i.id, i]));
      expect(byId.get(uncertain!)).toMatchObject({ status: 'failed', attempts: 1, programmeId, error: expect.stringMatching(/may have been delivered/) });
      // A permanent refusal (5xx) fails at once, without waiting for the ten attempts.
      expect(byId.get(refused!)).toMatchObject({ status: 'failed', attempts: 1, error: expect.stringMatching(/550/), job: { state: 'failed', attemptsMade: 1 } });

      provider.refuse.clear();
      for (const id of [uncertain!, refused!]) {
        const retried = await api.post(`/api/v1/notifications/${id}/retry`, {}, coordinator.token);
        expect(retried.status).toBe(202);
      }
      expect((await api.post(`/api/v1/notifications/${uncertain}/retry`, {}, coordinator.token)).status).toBe(409);
      expect((await api.post('/api/v1/notifications/nope/retry', {}, coordinator.token)).status).toBe(404);
      await waitFor('both sent after the retry', async () => (await statuses([uncertain!, refused!])).every((n) => n.status === 'sent'));
      expect(received.sort()).toEqual([uncertain!, refused!].sort());
      const after = await api.get('/api/v1/notifications/failed?limit=200', coordinator.token);
      expect(after.body.items.map((i: { id: string }) => i.id)).not.toContain(uncertain);
    } finally {
      await worker.close();
      await provider.stop();
    }
  });

  it('keeps messages through an SMTP outage and delivers each once when a server is back on the same port', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jalons-outage-'));
    const first = await startSmtpCatcher({ dir, port: 0 });
    const port = first.port;
    await first.stop();
    const group = await crowd(5, [`outage.${suffix}.test`]);
    const worker = inProcessNotifier(`smtp://127.0.0.1:${port}`);
    let catcher: Awaited<ReturnType<typeof startSmtpCatcher>> | undefined;
    try {
      const ids = await enqueue(group);
      // Failed attempts are recorded and retried with backoff (2 s, then 4 s…), nothing is dropped.
      await waitFor('a second failed attempt for each', async () => (await statuses(ids)).every((n) => n.status === 'retrying' && n.attempts >= 2), 30_000);
      const during = await statuses(ids);
      expect(during.every((n) => /ECONNREFUSED|connect/i.test(n.error ?? ''))).toBe(true);
      catcher = await startSmtpCatcher({ dir, port });
      const rows = await waitFor('delivery after the outage', async () => {
        const r = await statuses(ids);
        return r.every((n) => n.status === 'sent') && r;
      }, 60_000);
      expect(rows.every((n) => n.attempts >= 3 && n.error === null)).toBe(true);
      expect([...countMails(dir, ids).values()]).toEqual([1, 1, 1, 1, 1]);
    } finally {
      await worker.close();
      await catcher?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('limits the rate per recipient domain without spending attempts', async () => {
    const slow = `throttled.${suffix}.test`;
    const group = await crowd(7, [slow, slow, slow, slow, slow, slow, `other.${suffix}.test`]);
    // 2 at once, then one per second.
    const worker = inProcessNotifier(h.endpoints.SMTP_URL, { max: 2, windowMs: 2_000 });
    try {
      const ids = await enqueue(group);
      const rows = await waitFor('all sent', async () => {
        const r = await statuses(ids);
        return r.every((n) => n.status === 'sent') && r;
      }, 30_000);
      const throttled = rows.filter((n) => n.recipient.endsWith(`@${slow}`)).map((n) => n.sentAt!.getTime()).sort((a, b) => a - b);
      expect(throttled).toHaveLength(6);
      expect(throttled[5]! - throttled[0]!).toBeGreaterThanOrEqual(3_500);
      const other = rows.find((n) => n.recipient.endsWith(`@other.${suffix}.test`))!;
      expect(other.sentAt!.getTime() - throttled[0]!).toBeLessThan(1_500);
      expect(rows.every((n) => n.attempts === 1)).toBe(true);
    } finally {
      await worker.close();
    }
  });

  it('claims and records the rows of concurrent jobs in one statement each, with the single-row conditions', async () => {
    // Rows only (no jobs): what the notifier's hot path reads and writes.
    const ids = Array.from({ length: 5 }, (_, i) => `batched-${suffix}-${i}`);
    await h.prisma.notification.createMany({
      data: ids.map((id, i) => ({ id, kind: 'deliverable_accepted', recipient: `b${i}@batched.${suffix}.test`, status: i === 4 ? 'sent' : i === 3 ? 'digested' : 'queued', payload: {} })),
    });
    const writes = createNotificationWrites(h.prisma, 8);
    const rows = await Promise.all([...ids, `batched-${suffix}-none`].map((id) => writes.read(id)));
    expect(rows.map((r) => r?.status ?? null)).toEqual(['queued', 'queued', 'queued', 'digested', 'sent', null]);

    // Made at once: the first goes alone, the others wait for it and go together in one UPDATE.
    const attempts = [
      { id: ids[0]!, attemptToken: 'tok-a', messageId: '<a>' },
      { id: ids[1]!, attemptToken: 'tok-b', messageId: '<b>' },
      { id: ids[2]!, attemptToken: 'tok-c1', messageId: '<c>' },
      { id: ids[2]!, attemptToken: 'tok-c2', messageId: '<c>' }, // two attempts on one row in one batch
      { id: ids[3]!, attemptToken: 'tok-d', messageId: '<d>' }, // carried by a digest
      { id: ids[4]!, attemptToken: 'tok-e', messageId: '<e>' }, // already sent
    ];
    const won = await Promise.all(attempts.map((a) => writes.claim(a)));
    expect([won[0], won[1], won[4], won[5]]).toEqual([true, true, false, false]);
    // Exactly one of the two attempts on the same row holds it: the one whose token the row took.
    expect(won[2] !== won[3]).toBe(true);
    const after = new Map((await statuses(ids)).map((r) => [r.id, r]));
    expect(after.get(ids[2]!)!.attemptToken).toBe(won[2] ? 'tok-c1' : 'tok-c2');
    expect([0, 1, 2].map((i) => after.get(ids[i]!)!.status)).toEqual(['sending', 'sending', 'sending']);
    expect(after.get(ids[0]!)!).toMatchObject({ attemptToken: 'tok-a', messageId: '<a>' });
    expect(after.get(ids[0]!)!.sendingAt).toBeInstanceOf(Date);
    expect([after.get(ids[3]!)!.status, after.get(ids[4]!)!.status]).toEqual(['digested', 'sent']);

    // Recorded only under the attempt's own token: the losing attempt's answer changes nothing.
    const loser = won[2] ? 'tok-c2' : 'tok-c1';
    const winner = won[2] ? 'tok-c1' : 'tok-c2';
    await Promise.all([
      writes.recordSent({ id: ids[0]!, attemptToken: 'tok-a', response: '250 a' }),
      writes.recordSent({ id: ids[1]!, attemptToken: 'tok-stale', response: '250 stale' }),
      writes.recordSent({ id: ids[2]!, attemptToken: loser, response: '250 loser' }),
      writes.recordSent({ id: ids[2]!, attemptToken: winner, response: '250 winner' }),
    ]);
    const recorded = new Map((await statuses(ids)).map((r) => [r.id, r]));
    expect(recorded.get(ids[0]!)!).toMatchObject({ status: 'sent', response: '250 a', attempts: 1, error: null });
    expect(recorded.get(ids[0]!)!.sentAt).toBeInstanceOf(Date);
    expect(recorded.get(ids[1]!)!).toMatchObject({ status: 'sending', response: null, attempts: 0 });
    expect(recorded.get(ids[2]!)!).toMatchObject({ status: 'sent', response: '250 winner', attempts: 1 });
    // A sent row is never claimed again.
    expect(await writes.claim({ id: ids[0]!, attemptToken: 'tok-again', messageId: '<a>' })).toBe(false);
  });
});

/** An SMTP server that is not the catcher (no delivery probe), refusing some recipients with 550. */
async function startPlainSmtp(received: string[]) {
  const refuse = new Set<string>();
  const server = new SMTPServer({
    banner: 'Some provider ESMTP',
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refuse.has(address.address)) return callback(Object.assign(new Error('Mailbox unavailable'), { responseCode: 550 }));
      callback();
    },
    onData(stream, _session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const id = /^X-Jalons-Notification:\s*(\S+)/im.exec(Buffer.concat(chunks).toString('latin1'))?.[1];
        if (id) received.push(id);
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as { port: number }).port;
  return { url: `smtp://127.0.0.1:${port}`, refuse, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
