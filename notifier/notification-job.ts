import { z } from 'zod';

export const NOTIFICATION_QUEUE = 'notifications';

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
