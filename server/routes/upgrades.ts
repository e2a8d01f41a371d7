/**
 * Upgrading running programmes to a newer version of their template (issue 19): a dry run per
 * programme (or for every running programme of a template) that changes nothing, then the upgrade
 * of one programme, decided by its workflow (upgradeProgrammeUpdate), which computes the plan again
 * from its own state and refuses an unsafe one.
 */
import { z } from 'zod';
import { Prisma } from '../../generated/prisma/client';
import { planUpgrade, type UpgradePlan } from '../../domain/programme';
import type { ProgrammeState } from '../../domain/programme-state';
import { resolveDueInstant } from '../../domain/deadlines';
import type { Template } from '../../domain/template-schema';
import { upgradeProgrammeUpdate } from '../../workflows/programme';
import type { SessionUser } from '../auth';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { defineRoute, INT4_MAX } from '../http';
import { ZProgrammeView, ZStepStatus } from '../programme-views';
import { isOnTeam, onTeamSql } from '../programme-team';
import { createProgrammeCommands } from '../programme-commands';

const ZName = z.object({ fr: z.string(), en: z.string().optional() });
const ZStepChange = z.object({ stepKey: z.string(), phaseKey: z.string(), step: ZName, phase: ZName });

/** The dry run of one programme, as the workflow would decide it now; `refusals` empty means it may be applied. */
export const ZUpgradePlan = z.object({
  fromVersion: z.number(),
  toVersion: z.number(),
  phasesAdded: z.array(z.object({ phaseKey: z.string(), phase: ZName })),
  phasesRemoved: z.array(z.object({ phaseKey: z.string(), phase: ZName })),
  added: z.array(ZStepChange),
  removed: z.array(ZStepChange.extend({ status: ZStepStatus })),
  renamed: z.array(z.object({ stepKey: z.string(), before: ZName, after: ZName })),
  dueDates: z.array(
    z.object({
      stepKey: z.string(),
      step: ZName,
      status: ZStepStatus,
      before: z.string().optional(),
      after: z.string().optional(),
      recompute: z.boolean(),
      problem: z.enum(['missing_date_param', 'date_out_of_range']).optional(),
    }),
  ),
  capacity: z.array(z.object({ phaseKey: z.string(), phase: ZName, enrolled: z.number(), before: z.number().optional(), after: z.number().optional() })),
  /** Each refusal as the API would answer it: a code and params with a `reason` (web/src/lib/problem-text.ts words it). */
  refusals: z.array(z.object({ code: z.string(), params: z.record(z.string(), z.union([z.string(), z.number(), ZName])) })),
});

const ZPlannedProgramme = z.object({
  id: z.string(),
  title: z.string(),
  templateVersion: z.number(),
  status: z.enum(['active', 'paused', 'completed', 'cancelled']),
  plan: ZUpgradePlan,
});

const ZVersionQuery = z.object({ version: z.coerce.number().int().min(1).max(INT4_MAX).optional() });
const ZId = z.string().min(1).max(200);

export function upgradeRoutes(ctx: AppContext) {
  const commands = createProgrammeCommands(ctx);
  const resolveDue = (input: Parameters<typeof resolveDueInstant>[0]) => resolveDueInstant(input, ctx.config.DUE_TIME).toISOString();

  async function loadVersion(key: string, version: number | undefined): Promise<Template> {
    try {
      return version ? await ctx.templates.loadTemplateVersion(key, version) : await ctx.templates.loadLatestTemplate(key);
    } catch {
      throw new AppError('not_found', version ? `No version ${version} of template "${key}".` : `No template "${key}".`);
    }
  }

  async function plannedProgramme(row: { id: string; title: string; templateKey: string; templateVersion: number; state: unknown }, next: Template) {
    const state = row.state as ProgrammeState;
    const current = await ctx.templates.loadTemplateVersion(row.templateKey, row.templateVersion);
    return { id: row.id, title: row.title, templateVersion: row.templateVersion, status: state.status, plan: toPlanView(planUpgrade(current, state, next, { resolveDue })) };
  }

  return [
    defineRoute({
      method: 'get', path: '/api/v1/templates/:key/upgrade-plans', summary: 'Dry run: what upgrading each running programme of the template to a version (default: the latest) would change; changes nothing', tags: ['templates'], auth: ['coordinator', 'admin'],
      params: z.object({ key: z.string().min(1).max(64) }),
      query: ZVersionQuery.extend({ limit: z.coerce.number().int().min(1).max(200).default(100), cursor: ZId.optional() }),
      response: z.object({ version: z.number(), items: z.array(ZPlannedProgramme), nextCursor: z.string().nullable() }),
      async handler({ params, query, user }) {
        const next = await loadVersion(params.key, query.version);
        // Running programmes on an older version; a coordinator's own team's only (the ones it may upgrade).
        const team = user.role === 'admin' ? Prisma.sql`TRUE` : onTeamSql(user.id);
        const rows = await ctx.prisma.$queryRaw<{ id: string; title: string; template_key: string; template_version: number; state: unknown }[]>`
          SELECT p.id, p.title, p.template_key, p.template_version, p.state FROM programmes p
          WHERE p.template_key = ${next.key} AND p.template_version < ${next.version}::int AND p.status IN ('active', 'paused')
            AND ${team} ${query.cursor ? Prisma.sql`AND p.id > ${query.cursor}` : Prisma.empty}
          ORDER BY p.id LIMIT ${query.limit + 1}::int`;
        const page = rows.slice(0, query.limit);
        const items = await Promise.all(page.map((r) => plannedProgramme({ id: r.id, title: r.title, templateKey: r.template_key, templateVersion: r.template_version, state: r.state }, next)));
        return { version: next.version, items, nextCursor: rows.length > query.limit ? page.at(-1)!.id : null };
      },
    }),
    defineRoute({
      method: 'get', path: '/api/v1/programmes/:id/upgrade-plan', summary: "Dry run for one programme: what upgrading it to a version of its template (default: the latest) would change; changes nothing", tags: ['programmes'], auth: ['coordinator', 'admin'],
      params: z.object({ id: ZId }), query: ZVersionQuery, response: ZPlannedProgramme,
      async handler({ params, query, user }) {
        const row = await loadOwn(params.id, user);
        return plannedProgramme(row, await loadVersion(row.templateKey, query.version));
      },
    }),
    defineRoute({
      method: 'post', path: '/api/v1/programmes/:id/upgrade', summary: 'Upgrade a running programme to a newer version of its template (409 upgrade_refused with the reason when unsafe; nothing is applied then)', tags: ['programmes'], auth: ['coordinator', 'admin'],
      params: z.object({ id: ZId }), body: z.strictObject({ version: z.number().int().min(1).max(INT4_MAX) }), response: ZProgrammeView,
      async handler({ params, body, user, idempotencyKey }) {
        const { state: current, viewer } = await commands.loadActionable(params.id, user);
        const next = await loadVersion(current.templateKey, body.version);
        // The workflow decides with its own state (the read model may lag); this template is only what to move to.
        const answer = await commands.send(params.id, user, idempotencyKey, upgradeProgrammeUpdate, { template: next });
        return commands.view(await commands.loadAnswered(answer), viewer);
      },
    }),
  ];

  /** A programme the caller may upgrade: admins any, coordinators their team's (others: the same answers as the programme's other writes). */
  async function loadOwn(id: string, user: SessionUser) {
    const row = await ctx.prisma.programme.findUnique({ where: { id }, select: { id: true, title: true, templateKey: true, templateVersion: true, state: true } });
    if (!row) throw new AppError('not_found', 'No such programme.');
    if (!(await isOnTeam(ctx.prisma, id, user))) {
      throw new AppError('not_programme_member', "You are not on this programme's team; its coordinators or an admin can add you (PUT /api/v1/programmes/:id/team).");
    }
    return row;
  }
}

/** The plan as the API sends it: refusals as code and params (their English message stays in logs). */
function toPlanView(plan: UpgradePlan): z.infer<typeof ZUpgradePlan> {
  const { refusals, ...rest } = plan;
  return { ...rest, refusals: refusals.map((r) => ({ code: r.code, params: Object.fromEntries(Object.entries(r.params ?? {}).filter(([, v]) => v !== undefined)) as Record<string, string | number | { fr: string; en?: string }> })) };
}
