import { z } from 'zod';
import type { ProgrammeState } from '../../domain/programme-state';
import { canSeeProgramme } from '../../domain/visibility';
import type { AppContext } from '../context';
import { AppError, type FieldProblem } from '../errors';
import { defineRoute } from '../http';
import { isOnTeam, listTeam, replaceTeam } from '../programme-team';

const ZTeam = z.object({
  programmeId: z.string(),
  members: z.array(
    z.object({
      userId: z.string(),
      name: z.string(),
      role: z.string(),
      via: z.enum(['coordinator', 'member', 'parent']),
      addedAt: z.string().nullable(),
    }),
  ),
});

/** A programme's team (server/programme-team.ts): read by staff, changed by its team and admins. */
export function teamRoutes(ctx: AppContext) {
  async function requireProgramme(id: string, user: Parameters<typeof canSeeProgramme>[1]): Promise<void> {
    const row = await ctx.prisma.programme.findUnique({ where: { id }, select: { state: true } });
    if (!row || !canSeeProgramme(row.state as unknown as ProgrammeState, user)) throw new AppError('not_found', 'No such programme.');
  }

  return [
    defineRoute({
      method: 'get', path: '/api/v1/programmes/:id/team', summary: "The programme's team: its coordinator, coordinators added to it or to its parent programme", tags: ['programmes'], auth: ['admin', 'coordinator', 'manager'],
      params: z.object({ id: z.string().min(1).max(200) }), response: ZTeam,
      async handler({ params, user }) {
        await requireProgramme(params.id, user);
        return { programmeId: params.id, members: await listTeam(ctx.prisma, params.id) };
      },
    }),
    defineRoute({
      method: 'put', path: '/api/v1/programmes/:id/team', summary: 'Set the coordinators added to the programme (its own coordinator always stays); by its team or an admin', tags: ['programmes'], auth: ['admin', 'coordinator'],
      params: z.object({ id: z.string().min(1).max(200) }),
      body: z.strictObject({ members: z.array(z.string().min(1).max(200)).max(100) }),
      response: ZTeam,
      async handler({ params, body, user }) {
        await requireProgramme(params.id, user);
        if (!(await isOnTeam(ctx.prisma, params.id, user))) {
          throw new AppError('not_programme_member', "You are not on this programme's team; its coordinators or an admin can add you.");
        }
        const ids = [...new Set(body.members)];
        const found = ids.length ? await ctx.prisma.user.findMany({ where: { id: { in: ids } }, select: { id: true, role: true } }) : [];
        const problems = ids.flatMap((id, i): FieldProblem[] => {
          const u = found.find((f) => f.id === id);
          if (!u) return [{ path: `body.members.${i}`, message: 'no such user', code: 'unknown_user' }];
          return u.role === 'coordinator' ? [] : [{ path: `body.members.${i}`, message: 'only coordinators join a team (admins act everywhere, managers read everything)', code: 'not_a_coordinator' }];
        });
        if (problems.length) throw new AppError('unknown_reference', 'Some members cannot join the team.', problems);
        await replaceTeam(ctx.prisma, params.id, ids, user.id);
        return { programmeId: params.id, members: await listTeam(ctx.prisma, params.id) };
      },
    }),
  ];
}
