import { z } from 'zod';
import { toParisDate } from '../../domain/calendar';
import type { AppContext } from '../context';
import { defineRoute } from '../http';

const ZTask = z.object({
  programmeId: z.string(),
  programmeTitle: z.string(),
  phaseKey: z.string(),
  stepKey: z.string(),
  stepName: z.string(),
  status: z.string(),
  kind: z.enum(['step', 'gate']),
  dueDate: z.string().nullable(),
  late: z.boolean(),
});

export function taskRoutes(ctx: AppContext) {
  return [
    defineRoute({
      method: 'get', path: '/api/v1/tasks', summary: "The caller's open steps, soonest due first (coordinators: also gates awaiting approval)", tags: ['tasks'], auth: 'signedIn',
      query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(200) }),
      response: z.object({ items: z.array(ZTask) }),
      async handler({ user, query }) {
        const now = Date.now();
        const where =
          user.role === 'partner'
            ? { organisationId: user.organisationId ?? '-', status: 'active' }
            : user.role === 'manager'
              ? { id: '-' }
              : { assigneeKind: { in: ['coordinator', 'unassigned'] }, status: 'active', ...(user.role === 'coordinator' ? { programmeId: { in: await coordinatedProgrammes(user.id) } } : {}) };
        const steps = user.role === 'manager' ? [] : await ctx.prisma.step.findMany({ where: where as object, orderBy: [{ dueAt: { sort: 'asc', nulls: 'last' } }, { position: 'asc' }], take: query.limit });
        const titles = new Map(
          (await ctx.prisma.programme.findMany({ where: { id: { in: [...new Set(steps.map((s) => s.programmeId))] } }, select: { id: true, title: true } })).map((p) => [p.id, p.title]),
        );
        const items: z.infer<typeof ZTask>[] = steps.map((s) => ({
          programmeId: s.programmeId,
          programmeTitle: titles.get(s.programmeId) ?? '',
          phaseKey: s.phaseKey,
          stepKey: s.key.split('@')[0]!,
          stepName: s.name,
          status: s.status,
          kind: 'step',
          dueDate: s.dueAt ? toParisDate(s.dueAt) : null,
          late: s.dueAt !== null && s.dueAt.getTime() < now,
        }));
        if (user.role === 'coordinator' || user.role === 'admin') items.push(...(await gatesAwaiting(user.role === 'coordinator' ? user.id : undefined)));
        return { items };
      },
    }),
  ];

  async function coordinatedProgrammes(userId: string): Promise<string[]> {
    const rows = await ctx.prisma.programme.findMany({ where: { coordinatorId: userId, status: 'active' }, select: { id: true } });
    return rows.map((r) => r.id);
  }

  async function gatesAwaiting(coordinatorId?: string): Promise<z.infer<typeof ZTask>[]> {
    // Phases awaiting a gate live inside the projected state; JSONB containment keeps this one indexed-friendly query.
    const rows = await ctx.prisma.$queryRaw<{ id: string; title: string; phase_key: string }[]>`
      SELECT p.id, p.title, ph->>'key' AS phase_key
      FROM programmes p, jsonb_array_elements(p.state->'phases') ph
      WHERE p.status = 'active' AND ph->>'status' = 'awaiting_gate'
        AND (${coordinatorId ?? null}::text IS NULL OR p.coordinator_id = ${coordinatorId ?? null})
      ORDER BY p.id LIMIT 200`;
    return rows.map((r) => ({ programmeId: r.id, programmeTitle: r.title, phaseKey: r.phase_key, stepKey: `gate:${r.phase_key}`, stepName: `Validation de la phase ${r.phase_key}`, status: 'awaiting_gate', kind: 'gate' as const, dueDate: null, late: false }));
  }
}
