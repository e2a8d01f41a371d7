import { z } from 'zod';
import { Prisma } from '../../generated/prisma/client';
import type { Template } from '../../domain/template-schema';
import type { AppContext } from '../context';
import { defineRoute } from '../http';
import type { SessionUser } from '../auth';
import { onTeamSql } from '../programme-team';
import { viewerOf } from '../programme-views';
import { canNameStepOrganisation, confidentialScope } from '../../domain/visibility';
import { atRiskBefore, RAG_RULES, rateProgramme } from '../../domain/portfolio-health';

const DAY_MS = 86_400_000;
const MILESTONE_HORIZON_DAYS = 60;
const HEALTH_LIMIT = 200;
const STEP_LIST_LIMIT = 100;
const INDICATOR_PROGRAMME_LIMIT = 200;

const ZProgrammeStatus = z.enum(['active', 'paused', 'completed', 'cancelled']);
const ZRag = z.enum(['red', 'amber', 'green']);
/** Which part of the red/amber/green rule (domain/portfolio-health.ts) applies; the UI words it. */
const ZRagRule = z.enum(RAG_RULES);

const ZStepAlert = z.object({
  programmeId: z.string(),
  programmeTitle: z.string(),
  stepKey: z.string(),
  stepName: z.string(),
  dueAt: z.string(),
  organisationId: z.string().nullable(),
});

const ZDashboard = z.object({
  generatedAt: z.string(),
  programmesByStatus: z.object({ active: z.number(), paused: z.number(), completed: z.number(), cancelled: z.number() }),
  byTemplate: z.array(z.object({ templateKey: z.string(), count: z.number() })),
  /** Totals over every active programme; `health` itself stops at 200 rows. */
  ragCounts: z.object({ red: z.number(), amber: z.number(), green: z.number() }),
  health: z.array(
    z.object({
      programmeId: z.string(),
      title: z.string(),
      templateKey: z.string(),
      status: ZProgrammeStatus,
      rag: ZRag,
      rule: ZRagRule,
      lateSteps: z.number(),
      nextDueAt: z.string().nullable(),
    }),
  ),
  lateSteps: z.array(ZStepAlert),
  atRiskSteps: z.array(ZStepAlert),
  upcomingMilestones: z.array(z.object({ programmeId: z.string(), programmeTitle: z.string(), stepKey: z.string(), stepName: z.string(), dueAt: z.string() })),
  indicators: z.array(
    z.object({ programmeId: z.string(), programmeTitle: z.string(), key: z.string(), name: z.string(), unit: z.string().nullable(), target: z.number().nullable(), actual: z.number() }),
  ),
});
export type Dashboard = z.infer<typeof ZDashboard>;

interface StepRow {
  programme_id: string;
  programme_title: string;
  /** The row's key (step@organisation for an "each partner" row). */
  key: string;
  /** The template's step key (projected: activities/projection.ts). */
  step_key: string;
  name: string;
  due_at: Date;
  organisation_id: string | null;
  template_key?: string;
  template_version?: number;
  module_state?: Record<string, unknown> | null;
}

interface HealthRow {
  id: string;
  title: string;
  template_key: string;
  status: z.infer<typeof ZProgrammeStatus>;
  late_steps: number;
  next_due_at: Date | null;
}

export function dashboardRoutes(ctx: AppContext) {
  return [
    defineRoute({
      method: 'get', path: '/api/v1/dashboard', summary: 'Portfolio: programmes by status and template, health (RAG), late and at-risk steps, upcoming milestones, indicators against targets', tags: ['dashboard'],
      auth: ['manager', 'coordinator', 'admin'],
      query: z.object({
        templateKey: z.string().min(1).max(200).regex(/^[a-z0-9][a-z0-9-]*$/, 'unknown key').optional(),
        status: ZProgrammeStatus.optional(),
      }),
      response: ZDashboard,
      async handler({ query, user }) {
        const now = new Date();
        const soon = atRiskBefore(now);
        const horizon = new Date(now.getTime() + MILESTONE_HORIZON_DAYS * DAY_MS);
        const where: Prisma.ProgrammeWhereInput = { ...(query.templateKey ? { templateKey: query.templateKey } : {}), ...(query.status ? { status: query.status } : {}) };
        const byTemplateKey = query.templateKey ? Prisma.sql`AND p.template_key = ${query.templateKey}` : Prisma.empty;
        // Health and the step lists are about work in progress: with another status filter they are empty.
        const activeInScope = !query.status || query.status === 'active';

        const stepAlerts = (window: Prisma.Sql) =>
          ctx.prisma.$queryRaw<StepRow[]>`
            SELECT s.programme_id, p.title AS programme_title, s.key, s.step_key, s.name, s.due_at, s.organisation_id,
                   p.template_key, p.template_version, CASE WHEN s.organisation_id IS NULL THEN NULL ELSE p.state->'moduleState' END AS module_state
            FROM steps s JOIN programmes p ON p.id = s.programme_id
            WHERE s.status = 'active' AND ${window} AND p.status = 'active' ${byTemplateKey}
            ORDER BY s.due_at ASC, s.programme_id, s.key
            LIMIT ${STEP_LIST_LIMIT}`;

        const [byStatus, byTemplate, ragCounts, health, late, atRisk, milestones, indicators] = await Promise.all([
          ctx.prisma.programme.groupBy({ by: ['status'], where, _count: { _all: true } }),
          ctx.prisma.programme.groupBy({ by: ['templateKey'], where, _count: { _all: true } }),
          activeInScope
            ? ctx.prisma.$queryRaw<{ red: number; amber: number; green: number }[]>`
                SELECT COUNT(*) FILTER (WHERE late_steps > 0)::int AS red,
                       COUNT(*) FILTER (WHERE late_steps = 0 AND next_due_at < ${soon})::int AS amber,
                       COUNT(*) FILTER (WHERE late_steps = 0 AND (next_due_at IS NULL OR next_due_at >= ${soon}))::int AS green
                FROM programmes p WHERE p.status = 'active' ${byTemplateKey}`.then((rows) => rows[0]!)
            : { red: 0, amber: 0, green: 0 },
          activeInScope
            ? ctx.prisma.$queryRaw<HealthRow[]>`
                SELECT p.id, p.title, p.template_key, p.status, p.late_steps, p.next_due_at
                FROM programmes p WHERE p.status = 'active' ${byTemplateKey}
                ORDER BY CASE WHEN p.late_steps > 0 THEN 0 WHEN p.next_due_at < ${soon} THEN 1 ELSE 2 END,
                         p.late_steps DESC, p.next_due_at ASC NULLS LAST, p.id
                LIMIT ${HEALTH_LIMIT}`
            : [],
          // Late as the workflow marked it (projected `late`, domain/lateness.ts); at risk: due before `soon` and not late yet.
          activeInScope ? stepAlerts(Prisma.sql`s.late`) : [],
          activeInScope ? stepAlerts(Prisma.sql`NOT s.late AND s.due_at > ${now} AND s.due_at < ${soon}`) : [],
          activeInScope
            ? // An "each partner" milestone has one row per organisation: one entry per step.
              ctx.prisma.$queryRaw<StepRow[]>`
                SELECT * FROM (
                  SELECT DISTINCT ON (s.programme_id, s.step_key)
                         s.programme_id, p.title AS programme_title, s.step_key AS key, s.step_key, s.name, s.due_at, NULL AS organisation_id
                  FROM steps s JOIN programmes p ON p.id = s.programme_id
                  WHERE s.milestone AND s.status IN ('pending', 'active') AND s.due_at >= ${now} AND s.due_at < ${horizon}
                    AND p.status = 'active' ${byTemplateKey}
                  ORDER BY s.programme_id, s.step_key, s.due_at
                ) m
                ORDER BY m.due_at, m.programme_id, m.key
                LIMIT ${STEP_LIST_LIMIT}`
            : [],
          listIndicators(query),
        ]);

        const statusCounts = { active: 0, paused: 0, completed: 0, cancelled: 0 };
        for (const row of byStatus) if (row.status in statusCounts) statusCounts[row.status as keyof typeof statusCounts] = row._count._all;
        const toAlert = (r: StepRow) => ({ programmeId: r.programme_id, programmeTitle: r.programme_title, stepKey: r.step_key, stepName: r.name, dueAt: r.due_at.toISOString(), organisationId: r.organisation_id });
        const [lateVisible = [], atRiskVisible = []] = await withoutSealedOrganisations(user, [late, atRisk]);

        return {
          generatedAt: now.toISOString(),
          programmesByStatus: statusCounts,
          byTemplate: byTemplate
            .map((r) => ({ templateKey: r.templateKey, count: r._count._all }))
            .sort((a, b) => b.count - a.count || a.templateKey.localeCompare(b.templateKey)),
          ragCounts,
          health: health.map((r) => ({
            programmeId: r.id,
            title: r.title,
            templateKey: r.template_key,
            status: r.status,
            ...rateProgramme(r.late_steps, r.next_due_at, now),
            lateSteps: r.late_steps,
            nextDueAt: r.next_due_at?.toISOString() ?? null,
          })),
          lateSteps: lateVisible.map(toAlert),
          atRiskSteps: atRiskVisible.map(toAlert),
          upcomingMilestones: milestones.map((r) => ({ programmeId: r.programme_id, programmeTitle: r.programme_title, stepKey: r.key, stepName: r.name, dueAt: r.due_at.toISOString() })),
          indicators,
        };
      },
    }),
  ];

  /**
   * Step alerts name the organisation of "each partner" rows; on a sealed tender that would name
   * the bidders to staff outside its team (domain/visibility.ts): such rows lose their
   * organisation and collapse into one row per step.
   */
  async function withoutSealedOrganisations(user: SessionUser, lists: StepRow[][]): Promise<StepRow[][]> {
    if (user.role === 'admin') return lists;
    const named = lists.flat().filter((r) => r.organisation_id);
    if (!named.length) return lists;
    const ids = [...new Set(named.map((r) => r.programme_id))];
    const team =
      user.role === 'coordinator'
        ? new Set((await ctx.prisma.$queryRaw<{ id: string }[]>`SELECT p.id FROM programmes p WHERE p.id IN (${Prisma.join(ids)}) AND ${onTeamSql(user.id)}`).map((r) => r.id))
        : new Set<string>();
    const nameable = async (r: StepRow): Promise<boolean> => {
      if (!r.organisation_id || !r.template_key || r.template_version === undefined) return true;
      const template = await ctx.templates.loadTemplateVersion(r.template_key, r.template_version).catch(() => undefined);
      if (!template) return false;
      const scope = confidentialScope(template, { phases: [], steps: [], moduleState: r.module_state ?? {} });
      return canNameStepOrganisation(scope, r.step_key, r.organisation_id, viewerOf(user, team.has(r.programme_id)));
    };
    return Promise.all(
      lists.map(async (rows) => {
        const seen = new Set<string>();
        const out: StepRow[] = [];
        for (const r of rows) {
          const row = (await nameable(r)) ? r : { ...r, key: r.step_key, organisation_id: null };
          const id = `${row.programme_id}/${row.key}/${row.organisation_id ?? ''}`;
          if (seen.has(id)) continue;
          seen.add(id);
          out.push(row);
        }
        return out;
      }),
    );
  }

  /**
   * Indicators live in each programme's JSONB state: only the programmes of template versions
   * that define indicators are read, at most 200 of them, active ones first.
   */
  async function listIndicators(filter: { templateKey?: string; status?: string }): Promise<Dashboard['indicators']> {
    // Cancelled programmes' targets are moot unless asked for by name.
    const where: Prisma.ProgrammeWhereInput = { status: filter.status ?? { not: 'cancelled' }, ...(filter.templateKey ? { templateKey: filter.templateKey } : {}) };
    const versions = await ctx.prisma.programme.groupBy({ by: ['templateKey', 'templateVersion'], where });
    const templates = new Map<string, Template | undefined>();
    await Promise.all(
      versions.map(async (v) => {
        // A template version that cannot be loaded leaves its programmes out rather than failing the dashboard.
        const template = await ctx.templates.loadTemplateVersion(v.templateKey, v.templateVersion).catch(() => undefined);
        templates.set(`${v.templateKey}@${v.templateVersion}`, template);
      }),
    );
    const withIndicators = versions.filter((v) => templates.get(`${v.templateKey}@${v.templateVersion}`)?.indicators.length);
    if (!withIndicators.length) return [];
    const statusClause = filter.status ? Prisma.sql`AND p.status = ${filter.status}` : Prisma.sql`AND p.status <> 'cancelled'`;
    const rows = await ctx.prisma.$queryRaw<{ id: string; title: string; template_key: string; template_version: number; indicators: Record<string, number> | null }[]>`
      SELECT p.id, p.title, p.template_key, p.template_version, p.state->'indicators' AS indicators
      FROM (
        SELECT id, (status = 'active') AS is_active, updated_at FROM programmes p
        WHERE (p.template_key, p.template_version) IN (${Prisma.join(withIndicators.map((v) => Prisma.sql`(${v.templateKey}, ${v.templateVersion})`))}) ${statusClause}
        ORDER BY is_active DESC, updated_at DESC, id
        LIMIT ${INDICATOR_PROGRAMME_LIMIT}
      ) top JOIN programmes p ON p.id = top.id
      ORDER BY top.is_active DESC, top.updated_at DESC, p.id`;
    return rows.flatMap((r) =>
      templates.get(`${r.template_key}@${r.template_version}`)!.indicators.map((def) => ({
        programmeId: r.id,
        programmeTitle: r.title,
        key: def.key,
        name: def.name.fr,
        unit: def.unit ?? null,
        target: def.target ?? null,
        actual: Number(r.indicators?.[def.key] ?? 0),
      })),
    );
  }
}
