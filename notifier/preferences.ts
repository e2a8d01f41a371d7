import { z } from 'zod';
import { parisDateToInstant, toParisDate } from '../domain/calendar';
import type { PrismaClient } from '../generated/prisma/client';
import { ALWAYS_IMMEDIATE_KINDS, DIGEST_CAPABLE_KINDS } from './notification-job';

export const ZClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:mm (24 h)');

// JSON Schema cannot compare two fields: the document says it in words, and the API refuses an empty
// window with 422 quiet_hours_empty (assertQuietHoursNotEmpty), a declared business refusal.
export const ZQuietHours = z
  .strictObject({ start: ZClockTime, end: ZClockTime })
  .meta({ description: 'Quiet hours in Europe/Paris; start and end must differ (an empty window is refused with 422 quiet_hours_empty).' });

/** An empty window (start = end) says nothing: refused. */
export function isEmptyQuietWindow(quiet: { start: string; end: string } | null | undefined): boolean {
  return !!quiet && quiet.start === quiet.end;
}

export const ZNotificationPreferences = z.object({
  delivery: z.enum(['immediate', 'digest']),
  /** Europe/Paris wall-clock times; may span midnight (20:00–08:00). */
  quietHours: ZQuietHours.nullable(),
  timeZone: z.literal('Europe/Paris'),
});
export type NotificationPreferences = z.infer<typeof ZNotificationPreferences>;
export type QuietHours = z.infer<typeof ZQuietHours>;

export const ZNotificationPreferencesPatch = z.strictObject({
  delivery: z.enum(['immediate', 'digest']).optional(),
  quietHours: ZQuietHours.nullable().optional(),
});

/** Without a row: every message at once, at any hour (quiet hours are opt-in). */
export const DEFAULT_PREFERENCES: NotificationPreferences = { delivery: 'immediate', quietHours: null, timeZone: 'Europe/Paris' };

export function toPreferences(row: { delivery: string; quietStart: string | null; quietEnd: string | null } | null | undefined): NotificationPreferences {
  if (!row) return DEFAULT_PREFERENCES;
  return {
    delivery: row.delivery === 'digest' ? 'digest' : 'immediate',
    quietHours: row.quietStart && row.quietEnd ? { start: row.quietStart, end: row.quietEnd } : null,
    timeZone: 'Europe/Paris',
  };
}

export async function loadPreferences(prisma: PrismaClient, userIds: string[]): Promise<Map<string, NotificationPreferences>> {
  const rows = userIds.length ? await prisma.notificationPreference.findMany({ where: { userId: { in: userIds } } }) : [];
  return new Map(userIds.map((id) => [id, toPreferences(rows.find((r) => r.userId === id))]));
}

const parisClock = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

function nextDay(isoDate: string): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** When `now` falls in the quiet hours, the instant they end; otherwise undefined. */
export function quietHoursEnd(now: Date, quiet: QuietHours | null): Date | undefined {
  if (!quiet) return undefined;
  const minute = minutesOf(parisClock.format(now));
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  const today = toParisDate(now);
  if (start < end) return minute >= start && minute < end ? parisDateToInstant(today, quiet.end) : undefined;
  // Spanning midnight: the evening part ends tomorrow morning, the early-morning part today.
  if (minute >= start) return parisDateToInstant(nextDay(today), quiet.end);
  if (minute < end) return parisDateToInstant(today, quiet.end);
  return undefined;
}

export type Routing = { mode: 'digest' } | { mode: 'send'; deliverAfter?: Date };

/** Where one notification goes for one recipient, decided when it is enqueued. */
export function routeNotification(kind: string, preferences: NotificationPreferences, now: Date): Routing {
  if (ALWAYS_IMMEDIATE_KINDS.has(kind)) return { mode: 'send' };
  if (preferences.delivery === 'digest' && DIGEST_CAPABLE_KINDS.has(kind)) return { mode: 'digest' };
  const deliverAfter = quietHoursEnd(now, preferences.quietHours);
  return deliverAfter ? { mode: 'send', deliverAfter } : { mode: 'send' };
}
