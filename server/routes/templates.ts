import { z } from 'zod';
import { Prisma } from '../../generated/prisma/client';
import { checkTemplateForPublication, TEMPLATE_PROBLEM_CODES } from '../../domain/template-problems';
import { previewTemplateTimeline } from '../../domain/template-preview';
import { labelsOf } from '../../templates/labels';
import { ZIsoDate, ZTemplate, ZTemplatePublication } from '../../domain/template-schema';
import { INT4_MAX } from '../http';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { defineRoute } from '../http';

const ZTemplateSummary = z.object({ key: z.string(), version: z.number(), name: z.string(), nameEn: z.string(), phases: z.number(), steps: z.number(), archived: z.boolean() });

const ZKeyParams = z.object({ key: z.string().min(1).max(64) });

const ZPreviewBody = z.object({
  template: z.record(z.string(), z.unknown()),
  startDate: ZIsoDate,
  dates: z.record(z.string().max(64), ZIsoDate).default({}),
  /** Issue 19: the outcome to assume for a step listing outcomes, by step key (default: its first). */
  outcomes: z.record(z.string().max(64), z.string().max(64)).default({}),
});

const ZBranch = z.object({ step: z.string(), outcome: z.string() });

const ZPreviewResponse = z.object({
  /** Coded problems (the editor words them); empty when the draft is valid. */
  problems: z.array(z.object({ path: z.string(), code: z.enum(TEMPLATE_PROBLEM_CODES), values: z.record(z.string(), z.union([z.string(), z.number()])), message: z.string() })),
  timeline: z
    .object({
      startDate: z.string(),
      endsAt: z.string(),
      /** Issue 19: a recurring step goes on past the preview's horizon. */
      endless: z.boolean().optional(),
      phases: z.array(z.object({ phaseKey: z.string(), opensAt: z.string(), closesAt: z.string(), gate: z.boolean(), when: ZBranch.optional(), skipped: z.boolean().optional() })),
      steps: z.array(
        z.object({
          phaseKey: z.string(),
          stepKey: z.string(),
          opensAt: z.string(),
          dueAt: z.string().optional(),
          movedFrom: z.string().optional(),
          problem: z.enum(['missing_date_param', 'date_out_of_range']).optional(),
          param: z.string().optional(),
          milestone: z.boolean(),
          when: ZBranch.optional(),
          skipped: z.boolean().optional(),
          outcome: z.string().optional(),
          occurrence: z.number().optional(),
        }),
      ),
    })
    .optional(),
});

export function templateRoutes(ctx: AppContext) {
  return [
    defineRoute({
      method: 'get', path: '/api/v1/templates', summary: 'Latest version of every template', tags: ['templates'], auth: 'signedIn',
      response: z.object({ items: z.array(ZTemplateSummary) }),
      async handler() {
        const [rows, archives] = await Promise.all([
          ctx.prisma.template.findMany({ distinct: ['key'], orderBy: [{ key: 'asc' }, { version: 'desc' }] }),
          ctx.prisma.templateArchive.findMany({ select: { key: true } }),
        ]);
        const archived = new Set(archives.map((a) => a.key));
        return {
          items: rows.map((r) => {
            const t = ZTemplate.parse(r.definition);
            return { key: t.key, version: t.version, name: t.name.fr, nameEn: t.name.en, phases: t.phases.length, steps: t.phases.reduce((n, p) => n + p.steps.length, 0), archived: archived.has(t.key) };
          }),
        };
      },
    }),
    defineRoute({
      method: 'post', path: '/api/v1/templates/preview', summary: 'Check a template draft and plan its dates for a start date (the workflow\'s own calendar code)', tags: ['templates'], auth: ['admin', 'coordinator'],
      body: ZPreviewBody, response: ZPreviewResponse,
      async handler({ body }) {
        // The draft's version is decided at publication; any positive number lets it parse here.
        const checked = checkTemplateForPublication({ ...body.template, version: 1 });
        if (!checked.template) return { problems: checked.problems };
        return { problems: [], timeline: previewTemplateTimeline(checked.template, body.startDate, body.dates, ctx.config.DUE_TIME, { outcomes: body.outcomes }) };
      },
    }),
    defineRoute({
      method: 'get', path: '/api/v1/templates/:key/versions', summary: 'Every published version of a template, newest first', tags: ['templates'], auth: 'signedIn',
      params: ZKeyParams,
      response: z.object({ archived: z.boolean(), items: z.array(z.object({ version: z.number(), createdAt: z.string() })) }),
      async handler({ params }) {
        const [rows, archive] = await Promise.all([
          ctx.prisma.template.findMany({ where: { key: params.key }, orderBy: { version: 'desc' }, select: { version: true, createdAt: true } }),
          ctx.prisma.templateArchive.findUnique({ where: { key: params.key } }),
        ]);
        if (!rows.length) throw new AppError('not_found', `No template "${params.key}".`);
        return { archived: Boolean(archive), items: rows.map((r) => ({ version: r.version, createdAt: r.createdAt.toISOString() })) };
      },
    }),
    defineRoute({
      method: 'put', path: '/api/v1/templates/:key/archive', summary: 'Archive a template: no new programme starts from it, running ones are unaffected', tags: ['templates'], auth: ['admin', 'coordinator'],
      params: ZKeyParams, response: z.object({ key: z.string(), archived: z.boolean() }),
      async handler({ params, user }) {
        const exists = await ctx.prisma.template.findFirst({ where: { key: params.key }, select: { key: true } });
        if (!exists) throw new AppError('not_found', `No template "${params.key}".`);
        await ctx.prisma.templateArchive.upsert({ where: { key: params.key }, create: { key: params.key, archivedBy: user.id }, update: {} });
        return { key: params.key, archived: true };
      },
    }),
    defineRoute({
      method: 'delete', path: '/api/v1/templates/:key/archive', summary: 'Bring an archived template back into use', tags: ['templates'], auth: ['admin', 'coordinator'],
      params: ZKeyParams, response: z.object({ key: z.string(), archived: z.boolean() }),
      async handler({ params }) {
        await ctx.prisma.templateArchive.deleteMany({ where: { key: params.key } });
        return { key: params.key, archived: false };
      },
    }),
    defineRoute({
      method: 'get', path: '/api/v1/templates/:key', summary: 'A template (latest version, or ?version=)', tags: ['templates'], auth: 'signedIn',
      params: ZKeyParams, query: z.object({ version: z.coerce.number().int().min(1).max(INT4_MAX).optional() }),
      response: ZTemplate,
      async handler({ params, query }) {
        const row = await ctx.prisma.template.findFirst({ where: { key: params.key, ...(query.version ? { version: query.version } : {}) }, orderBy: { version: 'desc' } });
        if (!row) throw new AppError('not_found', `No template "${params.key}".`);
        // A version stored before templates carried labels borrows the built-in template's; what
        // stays unnamed stays out (screens say a neutral word, the editor asks for a name).
        const template = ZTemplate.parse(row.definition);
        return { ...template, labels: labelsOf(template, { neutral: false }) };
      },
    }),
    defineRoute({
      method: 'post', path: '/api/v1/templates', summary: 'Publish a new template version (running programmes keep theirs)', tags: ['templates'], auth: ['admin', 'coordinator'],
      body: ZTemplatePublication, successStatus: 201, response: ZTemplate,
      async handler({ body }) {
        const key = body.key;
        const latest = await ctx.prisma.template.findFirst({ where: { key }, orderBy: { version: 'desc' }, select: { version: true } });
        const checked = checkTemplateForPublication({ ...body, version: (latest?.version ?? 0) + 1 });
        if (!checked.template) {
          throw new AppError('invalid_template', `The template has ${checked.problems.length} problem(s).`, checked.problems.map((p) => ({ path: `body.${p.path}`, message: p.message, code: p.code, ...(Object.keys(p.values).length ? { params: p.values } : {}) })));
        }
        try {
          await ctx.prisma.template.create({ data: { key: checked.template.key, version: checked.template.version, name: checked.template.name.fr, definition: checked.template as unknown as Prisma.InputJsonValue } });
        } catch (err) {
          if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw new AppError('conflict', 'Another version was published at the same moment; retry.', undefined, undefined, { reason: 'template_published_meanwhile' });
          throw err;
        }
        return checked.template;
      },
    }),
  ];
}
