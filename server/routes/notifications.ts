import type { Server } from 'node:net';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import { DIGEST_JOB, digestJobId, ZDigestJob, ZNotificationJob } from '../../notifier/notification-job';
import { loadLinkSecret, verifyPreferenceToken } from '../../notifier/preference-links';
import { isEmptyQuietWindow, toPreferences, ZNotificationPreferences, ZNotificationPreferencesPatch, type NotificationPreferences } from '../../notifier/preferences';
import { PROGRAMME_CHANGES_CHANNEL, ZProgrammeChange, type ProgrammeChange } from '../../notifier/programme-changes';
import { canSeeChange } from '../../domain/visibility';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { isOnTeam, onTeamSql } from '../programme-team';
import { defineRoute } from '../http';
import { ZPage } from './accounts';

const ZFailedNotification = z.object({
  id: z.string(),
  kind: z.string(),
  programmeId: z.string().nullable(),
  stepKey: z.string().nullable(),
  recipient: z.string(),
  status: z.string(),
  attempts: z.number(),
  error: z.string().nullable(),
  queuedAt: z.string(),
  lastAttemptAt: z.string().nullable(),
  /** The BullMQ job, while the queue keeps it. */
  job: z.object({ id: z.string(), state: z.string(), attemptsMade: z.number(), failedReason: z.string().nullable(), finishedAt: z.string().nullable() }).nullable(),
});

const ZTokenQuery = z.object({ token: z.string().min(10).max(500) });
const HEARTBEAT_MS = 15_000;
const SHUTDOWN_CHECK_MS = 1_000;

export function notificationRoutes(ctx: AppContext) {
  const hub = createChangeHub(ctx.redis, ctx.logger);

  async function readPreferences(userId: string): Promise<NotificationPreferences> {
    return toPreferences(await ctx.prisma.notificationPreference.findUnique({ where: { userId } }));
  }

  async function writePreferences(userId: string, patch: z.infer<typeof ZNotificationPreferencesPatch>): Promise<NotificationPreferences> {
    if (isEmptyQuietWindow(patch.quietHours)) {
      throw new AppError('quiet_hours_empty', 'Quiet hours must start and end at different times.', [{ path: 'body.quietHours.end', message: 'start and end must differ', code: 'invalid' }]);
    }
    const current = await readPreferences(userId);
    const next = { ...current, ...(patch.delivery ? { delivery: patch.delivery } : {}), ...(patch.quietHours !== undefined ? { quietHours: patch.quietHours } : {}) };
    const row = { delivery: next.delivery, quietStart: next.quietHours?.start ?? null, quietEnd: next.quietHours?.end ?? null };
    await ctx.prisma.notificationPreference.upsert({ where: { userId }, create: { userId, ...row }, update: row });
    return next;
  }

  async function userOfToken(token: string): Promise<string> {
    const userId = verifyPreferenceToken(await loadLinkSecret(ctx.redis), token);
    if (!userId || !(await ctx.prisma.user.findUnique({ where: { id: userId }, select: { id: true } }))) {
      throw new AppError('forbidden', 'This link is not valid any more; sign in to change your notification preferences.');
    }
    return userId;
  }

  async function teamProgrammeIds(userId: string): Promise<string[]> {
    const rows = await ctx.prisma.$queryRaw<{ id: string }[]>`SELECT p.id FROM programmes p WHERE ${onTeamSql(userId)}`;
    return rows.map((r) => r.id);
  }

  return [
    defineRoute({
      method: 'get', path: '/api/v1/notifications/failed', summary: 'Dead letters: notifications that failed for good, with their last error, attempts and queue job', tags: ['notifications'], auth: ['admin', 'coordinator'],
      query: ZPage,
      response: z.object({ items: z.array(ZFailedNotification), nextCursor: z.string().nullable() }),
      async handler({ query, user }) {
        // Coordinators see (and retry) the dead letters of their team's programmes; admins all of them.
        const scope = user.role === 'admin' ? {} : { programmeId: { in: await teamProgrammeIds(user.id) } };
        const rows = await ctx.prisma.notification.findMany({ where: { status: 'failed', ...scope, ...(query.cursor ? { id: { gt: query.cursor } } : {}) }, orderBy: { id: 'asc' }, take: query.limit + 1 });
        const items = await Promise.all(
          rows.slice(0, query.limit).map(async (n) => {
            const job = await ctx.queue.getJob(jobIdOf(n));
            return {
              id: n.id,
              kind: n.kind,
              programmeId: n.programmeId,
              stepKey: n.stepKey,
              recipient: n.recipient,
              status: n.status,
              attempts: n.attempts,
              error: n.error,
              queuedAt: n.queuedAt.toISOString(),
              lastAttemptAt: n.sendingAt?.toISOString() ?? null,
              job: job
                ? { id: String(job.id), state: String(await job.getState()), attemptsMade: job.attemptsMade, failedReason: job.failedReason || null, finishedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null }
                : null,
            };
          }),
        );
        return { items, nextCursor: rows.length > query.limit ? items[items.length - 1]!.id : null };
      },
    }),
    defineRoute({
      method: 'post', path: '/api/v1/notifications/:id/retry', summary: 'Send a failed notification again (attempts start over)', tags: ['notifications'], auth: ['admin', 'coordinator'],
      params: z.object({ id: z.string().min(1).max(200) }), successStatus: 202,
      response: z.object({ id: z.string(), status: z.string() }),
      async handler({ params, user }) {
        const row = await ctx.prisma.notification.findUnique({ where: { id: params.id } });
        if (!row || (user.role !== 'admin' && !(row.programmeId && (await isOnTeam(ctx.prisma, row.programmeId, user))))) throw new AppError('not_found', 'No such notification.');
        if (row.status !== 'failed') throw new AppError('conflict', `Only failed notifications are retried; this one is ${row.status}.`, undefined, undefined, { reason: 'notification_not_failed' });
        const digest = row.kind === 'digest' ? ZDigestJob.safeParse(row.payload) : undefined;
        const single = row.kind === 'digest' ? undefined : ZNotificationJob.safeParse(row.payload);
        const data = digest?.success ? digest.data : single?.success ? single.data : undefined;
        // Invitations keep no link in their row (it is a credential): a new invitation is the way.
        if (!data) throw new AppError('conflict', 'This notification cannot be rebuilt from its record; send a new one.', undefined, undefined, { reason: 'notification_not_rebuildable' });
        const jobId = jobIdOf(row);
        // The row first: the job must not find it failed (or `sending` from an interrupted attempt).
        await ctx.prisma.notification.update({ where: { id: row.id }, data: { status: 'queued', attemptToken: null } });
        const job = await ctx.queue.getJob(jobId);
        const state = job ? await job.getState() : undefined;
        if (job && state === 'failed') {
          await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
        } else if (!job || state === 'completed' || state === 'unknown') {
          await job?.remove();
          await ctx.queue.add(row.kind === 'digest' ? DIGEST_JOB : row.kind, data, { jobId });
        }
        return { id: row.id, status: 'queued' };
      },
    }),
    defineRoute({
      method: 'get', path: '/api/v1/me/notification-preferences', summary: "The caller's notification preferences: immediate or daily digest, quiet hours (Europe/Paris)", tags: ['notifications'], auth: 'signedIn',
      response: ZNotificationPreferences,
      handler: ({ user }) => readPreferences(user.id),
    }),
    defineRoute({
      method: 'patch', path: '/api/v1/me/notification-preferences', summary: 'Change delivery (immediate | digest) and quiet hours ({start, end} as HH:mm, or null); escalations always go out at once', tags: ['notifications'], auth: 'signedIn',
      body: ZNotificationPreferencesPatch, response: ZNotificationPreferences,
      handler: ({ user, body }) => writePreferences(user.id, body),
    }),
    defineRoute({
      method: 'get', path: '/api/v1/notification-preferences/by-token', summary: 'Preferences opened from the signed link in an e-mail (no sign-in)', tags: ['notifications'], auth: 'public',
      query: ZTokenQuery, response: ZNotificationPreferences,
      async handler({ query }) {
        return readPreferences(await userOfToken(query.token));
      },
    }),
    defineRoute({
      method: 'patch', path: '/api/v1/notification-preferences/by-token', summary: 'Change preferences from the signed link in an e-mail (no sign-in)', tags: ['notifications'], auth: 'public',
      query: ZTokenQuery, body: ZNotificationPreferencesPatch, response: ZNotificationPreferences,
      async handler({ query, body }) {
        return writePreferences(await userOfToken(query.token), body);
      },
    }),
    defineRoute({
      method: 'post', path: '/api/v1/notification-preferences/unsubscribe', summary: 'One-click target of List-Unsubscribe (RFC 8058): from the digest, leave it (messages go out one by one again); from a single message (?to=digest), stop the messages one by one (they come in the daily digest)', tags: ['notifications'], auth: 'public',
      query: ZTokenQuery.extend({ to: z.enum(['immediate', 'digest']).default('immediate') }), response: ZNotificationPreferences,
      async handler({ query }) {
        return writePreferences(await userOfToken(query.token), { delivery: query.to });
      },
    }),
    defineRoute({
      method: 'get', path: '/api/v1/events/stream', summary: 'Server-Sent Events: `programme` events {programmeId, version, status} as programmes change (partners: only programmes they take part in)', tags: ['events'], auth: 'signedIn',
      response: z.string(), responseContentType: 'text/event-stream',
      async handler({ req, res, user }) {
        const send = (change: ProgrammeChange) => {
          if (!canSeeChange(change, user)) return;
          const data = { programmeId: change.programmeId, version: change.version, status: change.status };
          res.write(`id: ${change.programmeId}:${change.version}\nevent: programme\ndata: ${JSON.stringify(data)}\n\n`);
        };
        // Subscribed before the 200: a client that saw the first bytes misses nothing published after.
        const unsubscribe = await hub.subscribe(send);
        // The stream is the connection's last response: once it ends (client gone, server stopping) the socket closes too.
        res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache, no-transform', Connection: 'close', 'X-Accel-Buffering': 'no' });
        res.write('retry: 5000\n: connected\n\n');
        // The API's stop() waits for open connections: end the stream once the server stops listening.
        const server = (req.socket as unknown as { server?: Server }).server;
        let sinceHeartbeat = 0;
        const timer = setInterval(() => {
          if (server && !server.listening) return res.end();
          sinceHeartbeat += SHUTDOWN_CHECK_MS;
          if (sinceHeartbeat >= HEARTBEAT_MS) {
            sinceHeartbeat = 0;
            res.write(': ping\n\n');
          }
        }, SHUTDOWN_CHECK_MS);
        await new Promise<void>((resolve) => res.once('close', () => resolve()));
        clearInterval(timer);
        unsubscribe();
        // The stream has been written and closed; an empty text ends the handler as its `response` says.
        return '';
      },
    }),
  ];
}

function jobIdOf(row: { id: string; kind: string; payload: unknown }): string {
  if (row.kind !== 'digest') return row.id;
  const digest = ZDigestJob.safeParse(row.payload);
  return digest.success ? digestJobId(digest.data.userId, digest.data.day) : row.id;
}

/**
 * One Redis subscriber per API process, shared by its SSE clients, opened with the first
 * client and closed with the last (nothing lingers when no one listens).
 */
function createChangeHub(redis: Redis, logger: Logger) {
  const listeners = new Set<(change: ProgrammeChange) => void>();
  let subscriber: Redis | undefined;
  let ready: Promise<unknown> | undefined;

  function close(): void {
    const s = subscriber;
    subscriber = undefined;
    ready = undefined;
    if (s) s.quit().catch(() => s.disconnect());
  }

  return {
    async subscribe(listener: (change: ProgrammeChange) => void): Promise<() => void> {
      if (!subscriber) {
        // Its own connection (a subscribed one can do nothing else); the command waits for it to connect.
        const s = redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: 1 });
        subscriber = s;
        s.on('error', (err) => logger.warn({ err: err.message }, 'programme change subscriber error'));
        s.on('message', (_channel: string, message: string) => {
          let parsed;
          try {
            parsed = ZProgrammeChange.safeParse(JSON.parse(message));
          } catch {
            return;
          }
          if (!parsed.success) return;
          for (const l of listeners) l(parsed.data);
        });
        ready = s.subscribe(PROGRAMME_CHANGES_CHANNEL);
      }
      listeners.add(listener);
      try {
        await ready;
      } catch (err) {
        listeners.delete(listener);
        if (!listeners.size) close();
        throw err;
      }
      return () => {
        listeners.delete(listener);
        if (!listeners.size) close();
      };
    },
  };
}
