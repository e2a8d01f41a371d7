import type { Queue } from 'bullmq';
import { toParisDate } from '../domain/calendar';
import type { PrismaClient } from '../generated/prisma/client';
import { DIGEST_JOB, digestJobId, notificationIdFor, type DigestJob } from './notification-job';
import { loadPreferences, quietHoursEnd } from './preferences';

/** Europe/Paris hour at which the daily digest goes out (the end of the usual quiet hours). */
export const DIGEST_HOUR_PARIS = 8;
/** BullMQ job scheduler id of the daily tick. */
export const DIGEST_SCHEDULER_ID = 'notification-digest';

export function digestCron(hour = DIGEST_HOUR_PARIS): { pattern: string; tz: string } {
  return { pattern: `0 ${hour} * * *`, tz: 'Europe/Paris' };
}

export function digestIdFor(userId: string, day: string): string {
  return notificationIdFor(['digest', userId, day]);
}

/**
 * Schedules today's digest (Paris date of `now`) for every user with items waiting. The job
 * id `digest:<user>:<day>` and the digest's row (id derived from user and day) make a second
 * call the same day a no-op, so the tick may fire twice and tests may call this directly.
 * A user inside quiet hours gets the digest when they end. Returns the number of users.
 */
export async function sendDigests(deps: { prisma: PrismaClient; queue: Queue }, now: Date = new Date()): Promise<number> {
  const day = toParisDate(now);
  const waiting = await deps.prisma.notification.findMany({ where: { status: 'digest', userId: { not: null } }, distinct: ['userId'], select: { userId: true } });
  const userIds = waiting.map((w) => w.userId!);
  if (!userIds.length) return 0;
  const preferences = await loadPreferences(deps.prisma, userIds);
  await deps.queue.addBulk(
    userIds.map((userId) => {
      const data: DigestJob = { digestId: digestIdFor(userId, day), userId, day };
      const quietEnd = quietHoursEnd(now, preferences.get(userId)?.quietHours ?? null);
      return { name: DIGEST_JOB, data, opts: { jobId: digestJobId(userId, day), ...(quietEnd ? { delay: quietEnd.getTime() - now.getTime() } : {}) } };
    }),
  );
  return userIds.length;
}
