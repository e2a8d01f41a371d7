import ical from 'ical-generator';
import { z } from 'zod';
import { Prisma } from '../../generated/prisma/client';
import { toParisDate } from '../../domain/calendar';
import { CALENDAR_FEED_PATH, type SessionUser } from '../auth';
import type { AppContext } from '../context';
import { defineRoute } from '../http';
import { onTeamSql } from '../programme-team';

const DAY_MS = 86_400_000;
const ZCalendarFeedState = z.object({ active: z.boolean(), createdAt: z.string().nullable() });
/**
 * A feed that clients poll, rendered synchronously (the library folds lines character by
 * character, about 0.1 ms per event): bounded to a window around today and a number of events.
 */
const CALENDAR_PAST_DAYS = 90;
const CALENDAR_FUTURE_DAYS = 730;
const CALENDAR_EVENT_LIMIT = 1000;

export interface DueStepRow {
  programme_id: string;
  programme_title: string;
  key: string;
  name: string;
  status: string;
  due_at: Date;
}

const STATUS_LABELS: Record<string, string> = { pending: 'à venir', active: 'à faire', completed: 'terminée' };

/** One all-day VEVENT per step on its Paris date; the library escapes text, folds at 75 octets and uses CRLF. */
export function renderCalendar(rows: DueStepRow[], now: Date): string {
  const calendar = ical({ name: 'Jalons — échéances', prodId: { company: 'Jalons', product: 'jalons', language: 'FR' }, ttl: 3600 });
  // An "each partner" step has one row per organisation but is one date in a calendar, done when every part is.
  const byUid = new Map<string, DueStepRow>();
  for (const row of rows) {
    const uid = `${row.programme_id}.${row.key.split('@')[0]!}@jalons`;
    const seen = byUid.get(uid);
    if (!seen || (seen.status === 'completed' && row.status !== 'completed')) byUid.set(uid, seen ? { ...seen, status: row.status } : row);
  }
  for (const [uid, row] of byUid) {
    const day = toParisDate(row.due_at);
    // Without a time zone the library writes an all-day date from the UTC calendar date.
    const start = new Date(`${day}T00:00:00Z`);
    calendar.createEvent({
      id: uid,
      start,
      end: new Date(start.getTime() + DAY_MS),
      allDay: true,
      stamp: now,
      summary: `${row.name} — ${row.programme_title}`,
      description: `Programme : ${row.programme_title}\nÉtape : ${row.name} (${STATUS_LABELS[row.status] ?? row.status})\nÉchéance : ${day}`,
    });
  }
  const text = calendar.toString();
  return text.endsWith('\r\n') ? text : `${text}\r\n`;
}

export function calendarRoutes(ctx: AppContext) {
  return [
    defineRoute({
      method: 'get', path: CALENDAR_FEED_PATH, summary: "The caller's due dates as iCalendar, from 90 days ago, at most 1000 (calendar clients pass their feed token as ?token=, see /api/v1/me/calendar-feed)", tags: ['calendar'], auth: 'signedIn',
      query: z.object({ token: z.string().max(200).optional() }),
      response: z.string(), responseContentType: 'text/calendar; charset=utf-8',
      async handler({ user, res }) {
        const now = new Date();
        const rows = await listDueSteps(user, now);
        res.setHeader('Content-Disposition', 'inline; filename="jalons.ics"');
        res.setHeader('Cache-Control', 'private, no-cache');
        return renderCalendar(rows, now);
      },
    }),
    defineRoute({
      method: 'get', path: '/api/v1/me/calendar-feed', summary: "Whether the caller has a calendar feed link (the link itself is shown once, when made)", tags: ['calendar'], auth: 'signedIn',
      response: ZCalendarFeedState,
      async handler({ user }) {
        const row = await ctx.prisma.user.findUnique({ where: { id: user.id }, select: { calendarTokenCreatedAt: true } });
        return { active: Boolean(row?.calendarTokenCreatedAt), createdAt: row?.calendarTokenCreatedAt?.toISOString() ?? null };
      },
    }),
    defineRoute({
      method: 'post', path: '/api/v1/me/calendar-feed', summary: 'Make (or make again) the calendar feed link: a random token good for the .ics feed only, kept hashed; the previous link stops working', tags: ['calendar'], auth: 'signedIn',
      successStatus: 201, response: z.object({ url: z.string(), token: z.string(), createdAt: z.string() }),
      async handler({ user }) {
        const { token, createdAt } = await ctx.auth.issueCalendarToken(user.id);
        return { url: `${ctx.config.APP_URL ?? `http://localhost:${ctx.config.PORT}`}${CALENDAR_FEED_PATH}?token=${token}`, token, createdAt: createdAt.toISOString() };
      },
    }),
    defineRoute({
      method: 'delete', path: '/api/v1/me/calendar-feed', summary: 'Revoke the calendar feed link', tags: ['calendar'], auth: 'signedIn',
      async handler({ user }) {
        await ctx.auth.revokeCalendarToken(user.id);
      },
    }),
  ];

  /** Partners: their organisation's steps; coordinators: their own steps in their team's programmes; managers and admins: milestones of active programmes. */
  async function listDueSteps(user: SessionUser, now: Date): Promise<DueStepRow[]> {
    let scope: Prisma.Sql;
    if (user.role === 'partner') {
      if (!user.organisationId) return [];
      scope = Prisma.sql`s.organisation_id = ${user.organisationId}`;
    } else if (user.role === 'coordinator') {
      scope = Prisma.sql`${onTeamSql(user.id)} AND s.assignee_kind IN ('coordinator', 'unassigned')`;
    } else {
      scope = Prisma.sql`s.milestone AND p.status = 'active'`;
    }
    return ctx.prisma.$queryRaw<DueStepRow[]>`
      SELECT s.programme_id, p.title AS programme_title, s.key, s.name, s.status, s.due_at
      FROM steps s JOIN programmes p ON p.id = s.programme_id
      WHERE ${scope} AND s.status IN ('pending', 'active', 'completed')
        AND s.due_at >= ${new Date(now.getTime() - CALENDAR_PAST_DAYS * DAY_MS)} AND s.due_at < ${new Date(now.getTime() + CALENDAR_FUTURE_DAYS * DAY_MS)}
      ORDER BY s.due_at, s.programme_id, s.key
      LIMIT ${CALENDAR_EVENT_LIMIT}`;
  }
}
