import { createHash } from 'node:crypto';
import { z } from 'zod';

export const NOTIFICATION_QUEUE = 'notifications';

/** Job names on the notification queue besides the per-notification ones (named after their kind). */
export const DIGEST_JOB = 'digest';
export const DIGEST_TICK_JOB = 'digest-tick';

/** The payload of a notification job: validated when enqueued and again when consumed. */
export const ZNotificationJob = z.object({
  notificationId: z.string().min(1),
  kind: z.string().min(1),
  programmeId: z.string().min(1),
  programmeTitle: z.string(),
  stepKey: z.string().optional(),
  phaseKey: z.string().optional(),
  recipient: z.object({ userId: z.string(), email: z.string().email(), name: z.string(), locale: z.enum(['fr', 'en']) }),
  data: z.record(z.string(), z.unknown()).default({}),
});
export type NotificationJob = z.infer<typeof ZNotificationJob>;

/** One digest per user and Paris day; `digestId` is also its notifications row id. */
export const ZDigestJob = z.object({
  digestId: z.string().min(1),
  userId: z.string().min(1),
  day: z.iso.date(),
});
export type DigestJob = z.infer<typeof ZDigestJob>;

/** Kinds with a due date: their message carries an .ics event. */
export const DEADLINE_KINDS: ReadonlySet<string> = new Set(['assignment', 'reminder_before_due', 'due_today', 'overdue']);

/**
 * Kinds a user may take as a daily digest. Escalations, tender notices (formal, dated
 * correspondence) and invitations always go out on their own.
 */
export const DIGEST_CAPABLE_KINDS: ReadonlySet<string> = new Set([
  'assignment',
  'reminder_before_due',
  'due_today',
  'overdue',
  'deliverable_accepted',
  'deliverable_rejected',
  'phase_opened',
]);

/** Escalations reach coordinators at once: no digest, no quiet hours. */
export const ALWAYS_IMMEDIATE_KINDS: ReadonlySet<string> = new Set(['escalation']);

/** BullMQ refuses ':' in custom ids except in exactly three parts; user ids never contain one. */
export function digestJobId(userId: string, day: string): string {
  return `digest:${userId}:${day}`;
}

/** RFC 5322 Message-ID derived from the notification id: the same on every attempt. */
export function messageIdFor(notificationId: string): string {
  return `<${notificationId}@notifications.jalons>`;
}

/** A stable id per (what, to whom): retries, replays and crashes map to the same job and row. */
export function notificationIdFor(parts: (string | number | undefined)[]): string {
  return createHash('sha256').update(parts.map((p) => p ?? '').join('|')).digest('hex').slice(0, 40);
}
