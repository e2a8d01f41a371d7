import { randomUUID } from 'node:crypto';
import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions, type Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import { createTemplateStore } from '../activities/templates';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import type { Locale } from './catalogue';
import { createNotificationWrites, type NotificationRow } from './batched-writes';
import { askServerAboutDelivery } from './delivery-probe';
import { sendDigests } from './digest';
import { renderDigest, renderMessage, type DigestItem, type RenderedMessage } from './messages';
import { DIGEST_JOB, DIGEST_TICK_JOB, DIGEST_CAPABLE_KINDS, messageIdFor, NOTIFICATION_QUEUE, ZDigestJob, ZNotificationJob } from './notification-job';
import { loadLinkSecret, oneClickUnsubscribeUrl, preferencesUrl, signPreferenceToken } from './preference-links';
import { createDomainRateLimiter, type RateLimit } from './rate-limit';
import { droppedReminderNote, findReminderDropReason } from './reminder-check';
import { describeStep, type StepContext } from './step-context';

export interface NotifierOptions {
  prisma: PrismaClient;
  connection: ConnectionOptions;
  /** Rate limiting and the preference-link key; owned by the caller. */
  redis: Redis;
  /** The notification queue, for the digest jobs the daily tick adds. */
  queue: Queue;
  smtpUrl: string;
  mailFrom: string;
  appUrl: string;
  logger: Logger;
  /** Jobs in flight (NOTIFIER_CONCURRENCY); also the largest batch of row writes. */
  concurrency?: number;
  /** The pooled SMTP transport's bounds (SMTP_MAX_CONNECTIONS, SMTP_MAX_MESSAGES); connections default to `concurrency`. */
  smtpPool?: { maxConnections?: number; maxMessages?: number };
  domainRateLimit?: RateLimit;
}

/** A job whose programme is not projected yet waits this long for it, then goes out with what is known. */
const READ_MODEL_WAIT_MS = 20_000;
const READ_MODEL_RETRY_MS = 500;
/** A crashed worker's jobs come back after the lock expires; sends take well under this. */
const LOCK_DURATION_MS = 15_000;
const STALLED_INTERVAL_MS = 5_000;
/** Repeated crashes on the same job should not fail it: the row says whether it was sent. */
const MAX_STALLED_COUNT = 5;

type Outcome = { sent: true; response: string } | { skipped: string };

/**
 * Consumes notification jobs and sends e-mail, each notification at most once per accept:
 *
 * 1. The row is the source of truth: `sent` stops a redelivered job.
 * 2. Before handing a message to SMTP the row becomes `sending` with a fresh attempt token,
 *    and the message carries a Message-ID and an X-Jalons-Notification header derived from
 *    the notification id. The answer is recorded only by the write carrying that token.
 * 3. A job that finds its row still `sending` was interrupted between the two writes (the
 *    worker died). The local catcher is asked whether it holds the message (see
 *    delivery-probe.ts): held → recorded as sent, not held → sent now. A real SMTP server
 *    cannot be asked, so the notification is marked failed ("may have been delivered") and
 *    left to a person in the dead-letter view: at most once after the server may have accepted.
 *
 * Transient failures retry with the queue's exponential backoff; SMTP 5xx answers fail at once.
 * Each recipient domain has a token bucket; a job without a token waits in the delayed set,
 * which costs no attempt. Digest jobs go through the same steps.
 */
export function startNotificationWorker(opts: NotifierOptions): Worker {
  const concurrency = opts.concurrency ?? 8;
  // Pooled: SMTP connections reused across messages (a connection per message capped delivery at
  // ≈ 50 msg/s, docs/performance.md), at most one per concurrent job, each closed and reopened
  // after maxMessages. Each sendMail still resolves or fails for its own message, so the
  // claim → send → record protocol above is unchanged.
  const transport = nodemailer.createTransport({
    ...(opts.smtpUrl.startsWith('smtp://') ? { url: opts.smtpUrl, ignoreTLS: true } : { url: opts.smtpUrl }),
    pool: true,
    maxConnections: Math.min(opts.smtpPool?.maxConnections ?? concurrency, concurrency),
    maxMessages: opts.smtpPool?.maxMessages ?? 500,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 60_000,
  } as never);
  const limiter = createDomainRateLimiter(opts.redis, opts.domainRateLimit);
  const templates = createTemplateStore(opts.prisma);
  // Reading, claiming and recording rows: one statement for all the jobs doing it at the same time.
  const writes = createNotificationWrites(opts.prisma, concurrency);

  async function linkToken(userId: string): Promise<string> {
    return signPreferenceToken(await loadLinkSecret(opts.redis), userId);
  }

  async function postpone(job: Job, token: string | undefined, ms: number): Promise<never> {
    await job.moveToDelayed(Date.now() + ms, token);
    throw new DelayedError();
  }

  /** Steps 1–3 above around one message. `render` may postpone the job; it runs before a rate token is taken. */
  async function sendOnce(job: Job, token: string | undefined, id: string, to: string, render: () => Promise<RenderedMessage>, known?: NotificationRow | null): Promise<Outcome> {
    // The caller may just have read the row (one query fewer per message); otherwise read it here.
    const row = known ?? (await writes.read(id));
    if (!row) throw new UnrecoverableError(`notification ${id} has no row`);
    if (row.status === 'sent') return { skipped: 'already sent' };
    if (row.status === 'digest' || row.status === 'digested') return { skipped: 'delivered by digest' };
    if (row.status === 'sending') {
      // The row stays `sending` when the server cannot be asked: the next attempt asks again.
      const verdict = await askServerAboutDelivery(opts.smtpUrl, id).catch(async (err: Error) => {
        await record(id, row.attemptToken, { error: `delivery check failed: ${err.message}`.slice(0, 500) });
        throw err;
      });
      if (verdict === 'delivered') {
        await record(id, row.attemptToken, { status: 'sent', sentAt: new Date(), attempts: { increment: 1 }, response: 'held by the SMTP server after an interrupted attempt (not sent again)', error: null });
        return { skipped: 'delivered by an interrupted attempt' };
      }
      if (verdict === 'unknown') {
        await record(id, row.attemptToken, {
          status: 'failed',
          attempts: { increment: 1 },
          error: 'Interrupted while handing the message to the SMTP server: it may have been delivered. Not resent automatically (at most once); retry it if the recipient did not get it.',
        });
        return { skipped: 'interrupted hand-off, not resent' };
      }
    }
    const message = await render();
    const wait = await limiter.take(to);
    // Jitter keeps the jobs of a throttled domain from all coming back in the same millisecond.
    if (wait > 0) await postpone(job, token, wait + Math.floor(Math.random() * 250));
    const attemptToken = randomUUID();
    const messageId = messageIdFor(id);
    if (!(await writes.claim({ id, attemptToken, messageId }))) return { skipped: 'already sent' };
    let response: string;
    try {
      const info = await transport.sendMail({
        from: opts.mailFrom,
        to,
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId,
        headers: { 'X-Jalons-Notification': id, ...message.headers },
        attachments: message.attachments,
      });
      response = String(info.response ?? '').slice(0, 500);
    } catch (err) {
      return fail(job, id, attemptToken, err as Error);
    }
    await writes.recordSent({ id, attemptToken, response });
    return { sent: true, response };
  }

  /** Records a failed attempt; the last one (or a permanent SMTP refusal) marks the row failed. */
  async function fail(job: Job, id: string, attemptToken: string | null, err: Error): Promise<never> {
    const code = (err as { responseCode?: number }).responseCode;
    const permanent = typeof code === 'number' && code >= 500 && code < 600;
    const last = permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    await record(id, attemptToken, { status: last ? 'failed' : 'retrying', attempts: { increment: 1 }, error: String(err.message).slice(0, 500) }).catch(() => undefined);
    throw permanent ? new UnrecoverableError(err.message) : err;
  }

  async function record(id: string, attemptToken: string | null, data: Prisma.NotificationUpdateManyMutationInput): Promise<void> {
    await opts.prisma.notification.updateMany({ where: { id, attemptToken }, data });
  }

  async function deliverNotification(job: Job, token: string | undefined): Promise<Outcome> {
    const payload = ZNotificationJob.parse(job.data);
    let row: NotificationRow | null = await writes.read(payload.notificationId);
    if (!row) {
      // Jobs added before their row (invitations) find it a moment later; one that never gets a row is recorded here.
      if (Date.now() - job.timestamp < READ_MODEL_WAIT_MS) return postpone(job, token, READ_MODEL_RETRY_MS);
      await opts.prisma.notification.createMany({
        data: [{ id: payload.notificationId, kind: payload.kind, recipient: payload.recipient.email, userId: payload.recipient.userId, status: 'queued', payload: { ...payload, data: {} } as unknown as Prisma.InputJsonValue }],
        skipDuplicates: true,
      });
      row = null;
    }
    // A reminder waits (quiet hours, rate limits, retries): what it says may no longer be true.
    if (!row || !['sent', 'sending', 'digest', 'digested', 'skipped'].includes(row.status)) {
      const reason = await findReminderDropReason(opts.prisma, payload);
      if (reason) {
        await opts.prisma.notification.updateMany({ where: { id: payload.notificationId, status: { notIn: ['sent', 'sending', 'digest', 'digested'] } }, data: { status: 'skipped', error: droppedReminderNote(reason) } });
        return { skipped: reason };
      }
    }
    return sendOnce(job, token, payload.notificationId, payload.recipient.email, async () => {
      const locale: Locale = payload.recipient.locale;
      const context: StepContext = payload.programmeId === 'system' ? { found: true } : await describeStep(opts.prisma, templates, payload, locale);
      // Notifications are enqueued just before the projection that shows their step: give it a moment.
      const early = !context.found || (payload.kind === 'assignment' && context.stepStatus === 'pending');
      if (early && Date.now() - job.timestamp < READ_MODEL_WAIT_MS) return postpone(job, token, READ_MODEL_RETRY_MS);
      const prefsToken = DIGEST_CAPABLE_KINDS.has(payload.kind) && payload.recipient.userId ? await linkToken(payload.recipient.userId) : undefined;
      return renderMessage(payload, {
        appUrl: opts.appUrl,
        ...context,
        preferencesUrl: prefsToken ? preferencesUrl(opts.appUrl, prefsToken) : undefined,
        // One click moves these messages into the daily digest (the recipient stops getting them one by one).
        oneClickUnsubscribeUrl: prefsToken ? oneClickUnsubscribeUrl(opts.appUrl, prefsToken, 'digest') : undefined,
      });
    }, row);
  }

  async function deliverDigest(job: Job, token: string | undefined): Promise<Outcome> {
    const { digestId, userId, day } = ZDigestJob.parse(job.data);
    const user = await opts.prisma.user.findUnique({ where: { id: userId } });
    if (!user) return { skipped: 'no such user' };
    // The digest's row and the claim on its items are one transaction: a redelivered job sends the same items.
    await opts.prisma.$transaction(async (tx) => {
      const created = await tx.notification.createMany({
        data: [{ id: digestId, kind: 'digest', userId, recipient: user.email, status: 'queued', payload: { digestId, userId, day } }],
        skipDuplicates: true,
      });
      if (created.count) await tx.notification.updateMany({ where: { userId, status: 'digest', digestId: null }, data: { status: 'digested', digestId } });
    });
    const claimed = await opts.prisma.notification.findMany({ where: { digestId }, orderBy: [{ queuedAt: 'asc' }, { id: 'asc' }] });
    // Reminders are checked again as the digest is built: the ones no longer true are recorded and left out.
    const items: typeof claimed = [];
    for (const item of claimed) {
      const p = item.status === 'digested' ? ZNotificationJob.safeParse(item.payload) : undefined;
      const reason = p?.success ? await findReminderDropReason(opts.prisma, p.data) : undefined;
      if (reason) await opts.prisma.notification.updateMany({ where: { id: item.id, status: 'digested' }, data: { status: 'skipped', error: droppedReminderNote(reason) } });
      else if (item.status !== 'skipped') items.push(item);
    }
    if (!items.length) {
      await opts.prisma.notification.updateMany({ where: { id: digestId, status: 'queued' }, data: { status: 'skipped', error: 'nothing to send' } });
      return { skipped: 'nothing to send' };
    }
    return sendOnce(job, token, digestId, user.email, async () => {
      const locale: Locale = user.locale === 'en' ? 'en' : 'fr';
      const lines: DigestItem[] = [];
      for (const item of items) {
        const p = ZNotificationJob.safeParse(item.payload);
        if (!p.success) continue;
        const context = await describeStep(opts.prisma, templates, p.data, locale);
        const reminderDue = typeof p.data.data.dueAt === 'string' ? p.data.data.dueAt : undefined;
        lines.push({ kind: p.data.kind, programmeId: p.data.programmeId, programmeTitle: p.data.programmeTitle, stepKey: p.data.stepKey, stepName: context.stepName, dueAt: reminderDue ?? context.dueAt });
      }
      const prefsToken = await linkToken(userId);
      return renderDigest({ name: user.name, locale }, day, lines, {
        appUrl: opts.appUrl,
        unsubscribeUrl: preferencesUrl(opts.appUrl, prefsToken),
        oneClickUnsubscribeUrl: oneClickUnsubscribeUrl(opts.appUrl, prefsToken),
      });
    });
  }

  const worker = new Worker(
    NOTIFICATION_QUEUE,
    async (job, token) => {
      if (job.name === DIGEST_TICK_JOB) return { digests: await sendDigests({ prisma: opts.prisma, queue: opts.queue }, new Date()) };
      if (job.name === DIGEST_JOB) return deliverDigest(job, token);
      return deliverNotification(job, token);
    },
    {
      connection: opts.connection,
      concurrency,
      autorun: true,
      lockDuration: LOCK_DURATION_MS,
      stalledInterval: STALLED_INTERVAL_MS,
      maxStalledCount: MAX_STALLED_COUNT,
    },
  );
  worker.on('failed', (job, err) => {
    opts.logger.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'notification delivery failed');
    if (!job || job.name === DIGEST_TICK_JOB) return;
    // Failed for good without the processor recording it (stalled too often, checks exhausted): the row must say so.
    const final = err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled/i.test(err.message);
    if (!final) return;
    const id = (job.data as { notificationId?: string; digestId?: string }).notificationId ?? (job.data as { digestId?: string }).digestId;
    if (id) void opts.prisma.notification.updateMany({ where: { id, status: { notIn: ['sent', 'failed', 'digest', 'digested'] } }, data: { status: 'failed', error: String(err.message).slice(0, 500) } }).catch(() => undefined);
  });
  worker.on('error', (err) => opts.logger.warn({ err: err.message }, 'notification worker error'));
  // The pool's idle connections would outlive the worker.
  worker.on('closed', () => transport.close());
  return worker;
}
