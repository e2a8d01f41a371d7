import { z } from 'zod';
import { Prisma } from '../../generated/prisma/client';
import { toParisDate } from '../../domain/calendar';
import type { AppContext } from '../context';
import { defineRoute } from '../http';
import { onTeamSql } from '../programme-team';
import { isCoordinatorRole } from '../../domain/roles';

const ZTask = z.object({
  programmeId: z.string(),
  programmeTitle: z.string(),
  phaseKey: z.string(),
  stepKey: z.string(),
  stepName: z.string(),
  /** The step's status, or `paused` while its programme is paused (nothing to do, nothing late). */
  status: z.string(),
  kind: z.enum(['step', 'gate']),
  dueDate: z.string().nullable(),
  /** The due instant, with the closing hour of a date-only deadline (DUE_TIME). */
  dueAt: z.string().nullable(),
  late: z.boolean(),
});

export function taskRoutes(ctx: AppContext) {
  return [
    defineRoute({
      method: 'get', path: '/api/v1/tasks', summary: "The caller's open steps, soonest due first, a page at a time (`nextCursor`); coordinators also get the gates awaiting approval on the first page", tags: ['tasks'], auth: 'signedIn',
      query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(200), cursor: z.string().regex(/^\d{1,9}$/, 'expected a cursor from nextCursor').optional() }),
      response: z.object({ items: z.array(ZTask), nextCursor: z.string().nullable() }),
      async handler({ user, query }) {
        // The cursor is an offset into a total order (due date, position, programme, key): open steps change
        // slowly and a person pages through their own list, so an offset is enough.
        const offset = query.cursor ? Number(query.cursor) : 0;
        // One statement (steps joined to their programme's title) instead of two Prisma queries, plus a
        // third for a coordinator's programmes (those of their team: server/programme-team.ts): the SQL itself takes well under a millisecond, the
        // per-query cost of the client was most of the route's own time (docs/performance.md).
        const filter =
          user.role === 'partner'
            ? Prisma.sql`s.organisation_id = ${user.organisationId ?? '-'} AND s.status = 'active'`
            : user.role === 'coordinator'
              ? Prisma.sql`s.assignee_kind IN ('coordinator', 'unassigned') AND s.status = 'active' AND ${onTeamSql(user.id)} AND p.status = 'active'`
              : Prisma.sql`s.assignee_kind IN ('coordinator', 'unassigned') AND s.status = 'active'`;
        const steps =
          user.role === 'manager'
            ? []
            : await ctx.prisma.$queryRaw<{ programme_id: string; title: string | null; programme_status: string | null; phase_key: string; step_key: string; name: string; status: string; due_at: Date | null; late: boolean }[]>`
                SELECT s.programme_id, p.title, p.status AS programme_status, s.phase_key, s.step_key, s.name, s.status, s.due_at, s.late
                FROM steps s LEFT JOIN programmes p ON p.id = s.programme_id
                WHERE ${filter}
                ORDER BY s.due_at ASC NULLS LAST, s.position ASC, s.programme_id ASC, s.key ASC
                LIMIT ${query.limit + 1} OFFSET ${offset}`;
        const items: z.infer<typeof ZTask>[] = steps.slice(0, query.limit).map((s) => {
          // A paused programme's steps wait for the resume (which moves their due dates): neither open nor late.
          const paused = s.programme_status === 'paused';
          return {
            programmeId: s.programme_id,
            programmeTitle: s.title ?? '',
            phaseKey: s.phase_key,
            stepKey: s.step_key,
            stepName: s.name,
            status: paused ? 'paused' : s.status,
            kind: 'step',
            dueDate: s.due_at ? toParisDate(s.due_at) : null,
            dueAt: s.due_at ? s.due_at.toISOString() : null,
            // As the workflow marked it (projected); a paused programme's steps are not late.
            late: !paused && s.late,
          };
        });
        if (offset === 0 && isCoordinatorRole(user.role)) items.push(...(await gatesAwaiting(user.role === 'coordinator' ? user.id : undefined)));
        return { items, nextCursor: steps.length > query.limit ? String(offset + query.limit) : null };
      },
    }),
  ];

  async function gatesAwaiting(coordinatorId?: string): Promise<z.infer<typeof ZTask>[]> {
    // Phases awaiting a gate live inside the projected state; JSONB containment keeps this one indexed-friendly query.
    const rows = await ctx.prisma.$queryRaw<{ id: string; title: string; phase_key: string }[]>`
      SELECT p.id, p.title, ph->>'key' AS phase_key
      FROM programmes p, jsonb_array_elements(p.state->'phases') ph
      WHERE p.status = 'active' AND ph->>'status' = 'awaiting_gate'
        AND ${coordinatorId ? onTeamSql(coordinatorId) : Prisma.sql`TRUE`}
      ORDER BY p.id LIMIT 200`;
    return rows.map((r) => ({ programmeId: r.id, programmeTitle: r.title, phaseKey: r.phase_key, stepKey: `gate:${r.phase_key}`, stepName: `Validation de la phase ${r.phase_key}`, status: 'awaiting_gate', kind: 'gate' as const, dueDate: null, dueAt: null, late: false }));
  }
}
