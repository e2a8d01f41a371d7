import type { Queue } from 'bullmq';
import type { ProgrammeState } from '../domain/programme-state';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { notificationIdFor, ZNotificationJob, type NotificationJob } from '../notifier/notification-job';
import { loadPreferences, routeNotification } from '../notifier/preferences';
import { PROGRAMME_CHANGES_CHANNEL, toProgrammeChange } from '../notifier/programme-changes';
import type { NotificationRequest } from '../domain/programme/notifications';

export interface NotificationDeps {
  prisma: PrismaClient;
  queue: Queue;
}

export interface EnqueueNotificationsInput {
  programmeId: string;
  title: string;
  coordinatorId?: string;
  /** The programme's event counter when the requests were made: part of each idempotency key. */
  seq: number;
  requests: NotificationRequest[];
}

/** Statuses of rows that wait for (or went out in) a digest instead of a message of their own. */
const DIGEST_STATUSES = ['digest', 'digested'];

/** The projection (and so every action's answer) never waits longer than this for Redis. */
const PUBLISH_TIMEOUT_MS = 250;

/** Tells browsers that a programme changed; injected into the projection (activities/index.ts). */
export type ProgrammeChangePublisher = (state: ProgrammeState) => Promise<void>;

/**
 * Publishes programme changes on the notification queue's Redis connection (pub/sub, relayed by
 * the API's SSE stream). Best effort: the read model is already committed, and a client that
 * misses one refetches. While Redis is away nothing is published (and nothing waits).
 */
export function createProgrammeChangePublisher(queue: Queue): ProgrammeChangePublisher {
  const send = async (message: string): Promise<void> => {
    const client = await queue.getBackend().client;
    // BullMQ's connection queues commands while disconnected: a change published late is worse than none.
    if (client.status !== 'ready') return;
    await client.runCommand('publish', [PROGRAMME_CHANGES_CHANNEL, message]);
  };
  return async (state) => {
    const publish = send(JSON.stringify(toProgrammeChange(state))).catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([publish, new Promise<void>((resolve) => (timer = setTimeout(resolve, PUBLISH_TIMEOUT_MS).unref()))]);
    clearTimeout(timer);
  };
}

export function createNotificationActivities({ prisma, queue }: NotificationDeps) {
  return {
    /**
     * Resolves recipients, records one row per (notification, recipient) and queues the ones
     * sent on their own. Each recipient's preferences decide: daily digest (the row waits for
     * the digest, no job), quiet hours (the job is delayed to their end), or at once. The row
     * written first wins, so a retried activity routes every notification as the first try did.
     */
    async enqueueNotifications(input: EnqueueNotificationsInput): Promise<number> {
      const orgIds = [...new Set(input.requests.flatMap((r) => r.to.organisations ?? []))];
      const [partners, coordinator] = await Promise.all([
        orgIds.length ? prisma.user.findMany({ where: { organisationId: { in: orgIds }, role: 'partner' } }) : [],
        input.coordinatorId ? prisma.user.findUnique({ where: { id: input.coordinatorId } }) : null,
      ]);
      const jobs: NotificationJob[] = [];
      for (const request of input.requests) {
        const recipients = [
          ...(request.to.coordinator && coordinator ? [coordinator] : []),
          ...partners.filter((u) => u.organisationId && request.to.organisations?.includes(u.organisationId)),
        ];
        const reminderKey = typeof request.data?.reminderKey === 'string' ? request.data.reminderKey : undefined;
        for (const user of recipients) {
          const key = reminderKey ? [reminderKey, user.id] : [input.programmeId, request.kind, request.stepKey ?? request.phaseKey, input.seq, user.id];
          jobs.push(
            ZNotificationJob.parse({
              notificationId: notificationIdFor(key),
              kind: request.kind,
              programmeId: input.programmeId,
              programmeTitle: input.title,
              stepKey: request.stepKey,
              phaseKey: request.phaseKey,
              recipient: { userId: user.id, email: user.email, name: user.name, locale: user.locale === 'en' ? 'en' : 'fr' },
              data: request.data ?? {},
            }),
          );
        }
      }
      if (jobs.length === 0) return 0;
      const now = new Date();
      const preferences = await loadPreferences(prisma, [...new Set(jobs.map((j) => j.recipient.userId))]);
      await prisma.notification.createMany({
        data: jobs.map((j) => {
          const routing = routeNotification(j.kind, preferences.get(j.recipient.userId)!, now);
          return {
            id: j.notificationId,
            programmeId: j.programmeId,
            stepKey: j.stepKey ?? null,
            kind: j.kind,
            recipient: j.recipient.email,
            userId: j.recipient.userId,
            status: routing.mode === 'digest' ? 'digest' : 'queued',
            deliverAfter: routing.mode === 'send' ? (routing.deliverAfter ?? null) : null,
            payload: j as unknown as Prisma.InputJsonValue,
          };
        }),
        skipDuplicates: true,
      });
      const rows = await prisma.notification.findMany({ where: { id: { in: jobs.map((j) => j.notificationId) } }, select: { id: true, status: true, deliverAfter: true } });
      const byId = new Map(rows.map((r) => [r.id, r]));
      const toSend = jobs.filter((j) => !DIGEST_STATUSES.includes(byId.get(j.notificationId)?.status ?? 'queued'));
      // BullMQ ignores an add whose jobId already exists, so a retried activity enqueues nothing twice.
      await queue.addBulk(
        toSend.map((j) => {
          const after = byId.get(j.notificationId)?.deliverAfter;
          const delay = after ? after.getTime() - Date.now() : 0;
          return { name: j.kind, data: j, opts: { jobId: j.notificationId, ...(delay > 0 ? { delay } : {}) } };
        }),
      );
      return jobs.length;
    },
  };
}
