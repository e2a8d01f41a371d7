import { createHash } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import { ZNotificationJob, type NotificationJob } from '../notifier/notification-job';
import type { NotificationRequest } from '../workflows/modules';

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

/** A stable id per (what, to whom): retries, replays and crashes map to the same job and row. */
export function notificationId(parts: (string | number | undefined)[]): string {
  return createHash('sha256').update(parts.map((p) => p ?? '').join('|')).digest('hex').slice(0, 40);
}

export function createNotificationActivities({ prisma, queue }: NotificationDeps) {
  return {
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
              notificationId: notificationId(key),
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
      await prisma.notification.createMany({
        data: jobs.map((j) => ({
          id: j.notificationId,
          programmeId: j.programmeId,
          stepKey: j.stepKey ?? null,
          kind: j.kind,
          recipient: j.recipient.email,
          status: 'queued',
          payload: j as unknown as Prisma.InputJsonValue,
        })),
        skipDuplicates: true,
      });
      // BullMQ ignores an add whose jobId already exists, so a retried activity enqueues nothing twice.
      await queue.addBulk(jobs.map((j) => ({ name: j.kind, data: j, opts: { jobId: j.notificationId } })));
      return jobs.length;
    },
  };
}
