import { labelsOf } from '../../templates/labels';
import { z } from 'zod';
import { buildFundersReport, defaultPeriod, type FundersReport, type ReportProgramme } from '../../domain/funders-report';
import type { AuditEvent, ProgrammeState } from '../../domain/programme-state';
import { ZIsoDate } from '../../domain/template-schema';
import { programmeOrganisations } from '../../domain/visibility';
import type { SessionUser } from '../auth';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { agencyLogoDataUri } from '../agency-logo';
import { defineRoute } from '../http';
import { isOnTeam } from '../programme-team';
import { viewerOf } from '../programme-views';
import { assertChromium, printReportPdf, renderReportHtml } from '../report-pdf';
import { renderReportXlsx } from '../report-xlsx';

/**
 * The funders' report of a programme over a period, as JSON (the web page), XLSX and PDF.
 * For the programme's team, managers and admins; partners never read it. Tender details follow
 * the visibility rule: sealed bids, bidders and scores stay with the team until the award.
 */
const ZParams = z.object({ id: z.string().min(1).max(200) });
const ZPeriodQuery = z.object({ from: ZIsoDate.optional(), to: ZIsoDate.optional() });
const REPORT_EVENT_TYPES = ['indicator.recorded', 'deliverable.accepted'];

const ZDateTime = z.string();
export const ZFundersReport = z.object({
  agencyName: z.string(),
  /** The agency's logo (AGENCY_LOGO) as a data: URI, or null. */
  agencyLogo: z.string().nullable(),
  generatedAt: ZDateTime,
  period: z.object({ from: z.string(), to: z.string() }),
  programme: z.object({ id: z.string(), title: z.string(), templateName: z.string(), status: z.enum(['active', 'paused', 'completed', 'cancelled']), statusLabel: z.string(), startDate: z.string() }),
  actions: z.array(z.object({ phase: z.string(), step: z.string(), organisation: z.string().nullable(), completedAt: ZDateTime, by: z.string().nullable() })),
  milestones: z.array(z.object({ name: z.string(), dueAt: z.string().nullable(), reachedAt: z.string().nullable(), state: z.enum(['reached', 'reached_late', 'late', 'planned']), stateLabel: z.string() })),
  deliverables: z.array(z.object({ step: z.string(), title: z.string(), organisation: z.string().nullable(), acceptedAt: ZDateTime })),
  indicators: z.array(
    z.object({
      key: z.string(),
      name: z.string(),
      unit: z.string().nullable(),
      target: z.number().nullable(),
      valueAtEnd: z.number(),
      change: z.number(),
      rate: z.number().nullable(),
      byMonth: z.array(z.object({ month: z.string(), change: z.number(), valueAtEnd: z.number() })),
      byQuarter: z.array(z.object({ quarter: z.string(), change: z.number(), valueAtEnd: z.number() })),
      /** A periodic indicator's count per period of the report (its label in French), against the target per period and the previous year. */
      periods: z.array(z.object({ period: z.string(), label: z.string(), value: z.number(), target: z.number().nullable(), previousYear: z.number().nullable(), byDimension: z.array(z.object({ name: z.string(), value: z.number() })) })),
    }),
  ),
  enrolments: z.array(z.object({ phase: z.string(), capacity: z.object({ min: z.number(), max: z.number() }).nullable(), organisations: z.array(z.object({ name: z.string(), enrolledAt: z.string(), slot: z.string().nullable(), role: z.string().nullable() })) })),
  tenders: z.array(
    z.object({
      programmeId: z.string(),
      title: z.string(),
      status: z.enum(['active', 'paused', 'completed', 'cancelled']),
      sealed: z.boolean(),
      specificationAt: z.string().nullable(),
      consultationSentAt: z.string().nullable(),
      minProviders: z.number(),
      providers: z.array(z.string()).nullable(),
      answersDeadline: z.string().nullable(),
      answers: z.array(z.object({ organisation: z.string(), receivedAt: z.string(), onTime: z.boolean() })).nullable(),
      criteria: z.array(z.object({ key: z.string(), label: z.string(), weight: z.number() })),
      scores: z.array(z.object({ organisation: z.string(), rank: z.number(), byCriterion: z.record(z.string(), z.number().nullable()), total: z.number() })).nullable(),
      winner: z.string().nullable(),
      awardedAt: z.string().nullable(),
      notifiedAt: z.string().nullable(),
      contractSignedAt: z.string().nullable(),
      compliance: z.array(z.string()),
    }),
  ),
  lateSteps: z.array(z.object({ phase: z.string(), step: z.string(), organisation: z.string().nullable(), dueAt: z.string(), completedAt: z.string().nullable(), daysLate: z.number(), state: z.enum(['done', 'open']), stateLabel: z.string() })),
});

/** "bilan-defi-2021-01-01-2021-12-31" (ASCII, for a download's file name). */
function fileNameOf(report: FundersReport, extension: string): string {
  const slug = report.programme.title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
  return `bilan-${slug || 'programme'}-${report.period.from}-${report.period.to}.${extension}`;
}

export function reportRoutes(ctx: AppContext) {
  async function loadSource(id: string, user: SessionUser): Promise<ReportProgramme> {
    const row = await ctx.prisma.programme.findUnique({ where: { id } });
    const state = row?.state as unknown as ProgrammeState | undefined;
    if (!row || !state) throw new AppError('not_found', 'No such programme.');
    const [template, onTeam, events] = await Promise.all([
      ctx.templates.loadTemplateVersion(row.templateKey, row.templateVersion),
      isOnTeam(ctx.prisma, id, user),
      ctx.prisma.programmeEvent.findMany({ where: { programmeId: id, type: { in: REPORT_EVENT_TYPES } }, orderBy: { seq: 'asc' } }),
    ]);
    return {
      template,
      labels: labelsOf(template),
      state,
      viewer: viewerOf(user, onTeam),
      events: events.map((e): AuditEvent => ({ seq: e.seq, type: e.type, at: e.at.toISOString(), actorId: e.actorId ?? undefined, data: e.data as Record<string, unknown> })),
    };
  }

  async function buildReport(id: string, user: SessionUser, query: z.infer<typeof ZPeriodQuery>): Promise<FundersReport & { agencyLogo: string | null }> {
    const programme = await loadSource(id, user);
    // The team's coordinators report on their programmes; managers and admins on every one.
    if (user.role === 'coordinator' && !programme.viewer.onTeam) {
      throw new AppError('not_programme_member', "The funders' report is for the programme's team, managers and admins; its coordinators or an admin can add you (PUT /api/v1/programmes/:id/team).");
    }
    const now = new Date();
    const fallback = defaultPeriod(programme.state, now);
    // A bound left out follows the one given: `to` alone before the programme's start is a period ending then, not a reversed one.
    const period = {
      from: query.from ?? (query.to && query.to < fallback.from ? query.to : fallback.from),
      to: query.to ?? (query.from && query.from > fallback.to ? query.from : fallback.to),
    };
    if (period.from > period.to) throw new AppError('validation_failed', 'The period ends before it starts.', [{ path: 'query.to', message: 'must be on or after `from`', code: 'period_reversed' }]);
    const children = await Promise.all(programme.state.children.map((c) => loadSource(c.programmeId, user).catch(() => undefined)));
    const present = children.filter((c): c is ReportProgramme => c !== undefined);

    const states = [programme, ...present].map((p) => p.state);
    const organisationIds = new Set<string>();
    const userIds = new Set<string>();
    for (const s of states) {
      for (const o of programmeOrganisations(s)) organisationIds.add(o);
      const tender = (s.moduleState.tender ?? {}) as { consulted?: string[]; ranking?: { organisationId: string }[]; winner?: string };
      for (const o of [...(tender.consulted ?? []), ...(tender.ranking ?? []).map((r) => r.organisationId), ...(tender.winner ? [tender.winner] : [])]) organisationIds.add(o);
      for (const step of s.steps) {
        if (step.onBehalfOf) organisationIds.add(step.onBehalfOf);
        if (step.completedBy) userIds.add(step.completedBy);
        for (const [org, part] of Object.entries(step.parts)) {
          organisationIds.add(org);
          userIds.add(part.by);
        }
        for (const d of step.deliverables) if (d.organisationId) organisationIds.add(d.organisationId);
      }
    }
    const [organisations, users] = await Promise.all([
      ctx.prisma.organisation.findMany({ where: { id: { in: [...organisationIds] } }, select: { id: true, name: true } }),
      ctx.prisma.user.findMany({ where: { id: { in: [...userIds] } }, select: { id: true, name: true } }),
    ]);
    const report = buildFundersReport({
      agencyName: ctx.config.AGENCY_NAME,
      period,
      now,
      programme,
      children: present,
      names: { organisations: new Map(organisations.map((o) => [o.id, o.name])), users: new Map(users.map((u) => [u.id, u.name])) },
    });
    return { ...report, agencyLogo: agencyLogoDataUri(ctx.config.AGENCY_LOGO) };
  }

  const common = { tags: ['reports'], auth: ['coordinator', 'manager', 'admin'] as const, params: ZParams, query: ZPeriodQuery };

  return [
    defineRoute({
      ...common,
      method: 'get', path: '/api/v1/programmes/:id/report',
      summary: "The funders' report of a programme over a period (?from=&to=, YYYY-MM-DD, Paris days; default: from its start to today): actions, milestones, accepted deliverables, indicators against targets, partners per phase, tenders' compliance, late steps",
      response: ZFundersReport,
      async handler({ params, query, user, res }) {
        res.setHeader('Cache-Control', 'private, no-store');
        return buildReport(params.id, user, query);
      },
    }),
    defineRoute({
      ...common,
      method: 'get', path: '/api/v1/programmes/:id/report.xlsx',
      summary: "The funders' report as an XLSX workbook (one sheet per section, French headers, Paris dates)",
      responseContentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      async handler({ params, query, user, res }) {
        const report = await buildReport(params.id, user, query);
        const body = await renderReportXlsx(report);
        res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        res.setHeader('Content-Disposition', `attachment; filename="${fileNameOf(report, 'xlsx')}"`);
        res.setHeader('Cache-Control', 'private, no-store');
        res.status(200).end(body);
        return undefined;
      },
    }),
    defineRoute({
      ...common,
      method: 'get', path: '/api/v1/programmes/:id/report.pdf',
      summary: "The funders' report as an A4 PDF, printed by Chromium from the report's print page",
      responseContentType: 'application/pdf',
      async handler({ params, query, user, req, res }) {
        const report = await buildReport(params.id, user, query);
        const html = renderReportHtml(report);
        assertChromium(ctx.config.CHROMIUM_PATH);
        // Headers go out before the print (seconds on a busy machine): a failure after this point cuts the download.
        res.setHeader('Content-Type', 'application/pdf');
        res.setHeader('Content-Disposition', `attachment; filename="${fileNameOf(report, 'pdf')}"`);
        res.setHeader('Cache-Control', 'private, no-store');
        res.status(200).flushHeaders();
        try {
          const pdf = await printReportPdf(html, ctx.config.CHROMIUM_PATH, () => req.socket.destroyed);
          if (pdf) res.end(pdf);
          else res.destroy();
        } catch (err) {
          ctx.logger.error({ err }, 'funders report PDF print failed');
          res.destroy();
        }
        return undefined;
      },
    }),
  ];
}
