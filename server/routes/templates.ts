import { z } from 'zod';
import { Prisma } from '../../generated/prisma/client';
import { ZTemplate, ZTemplatePublication, validateTemplate } from '../../domain/template-schema';
import { INT4_MAX } from '../http';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { defineRoute } from '../http';

const ZTemplateSummary = z.object({ key: z.string(), version: z.number(), name: z.string(), nameEn: z.string(), phases: z.number(), steps: z.number() });

export function templateRoutes(ctx: AppContext) {
  return [
    defineRoute({
      method: 'get', path: '/api/v1/templates', summary: 'Latest version of every template', tags: ['templates'], auth: 'signedIn',
      response: z.object({ items: z.array(ZTemplateSummary) }),
      async handler() {
        const rows = await ctx.prisma.template.findMany({ distinct: ['key'], orderBy: [{ key: 'asc' }, { version: 'desc' }] });
        return {
          items: rows.map((r) => {
            const t = ZTemplate.parse(r.definition);
            return { key: t.key, version: t.version, name: t.name.fr, nameEn: t.name.en, phases: t.phases.length, steps: t.phases.reduce((n, p) => n + p.steps.length, 0) };
          }),
        };
      },
    }),
    defineRoute({
      method: 'get', path: '/api/v1/templates/:key', summary: 'A template (latest version, or ?version=)', tags: ['templates'], auth: 'signedIn',
      params: z.object({ key: z.string().min(1).max(64) }), query: z.object({ version: z.coerce.number().int().min(1).max(INT4_MAX).optional() }),
      response: ZTemplate,
      async handler({ params, query }) {
        const row = await ctx.prisma.template.findFirst({ where: { key: params.key, ...(query.version ? { version: query.version } : {}) }, orderBy: { version: 'desc' } });
        if (!row) throw new AppError('not_found', `No template "${params.key}".`);
        return ZTemplate.parse(row.definition);
      },
    }),
    defineRoute({
      method: 'post', path: '/api/v1/templates', summary: 'Publish a new template version (running programmes keep theirs)', tags: ['templates'], auth: ['admin', 'coordinator'],
      body: ZTemplatePublication, successStatus: 201, response: ZTemplate,
      async handler({ body }) {
        const key = body.key;
        const latest = await ctx.prisma.template.findFirst({ where: { key }, orderBy: { version: 'desc' }, select: { version: true } });
        const checked = validateTemplate({ ...body, version: (latest?.version ?? 0) + 1 });
        if (!checked.ok) {
          throw new AppError('validation_failed', `The template has ${checked.problems.length} problem(s).`, checked.problems.map((p) => ({ path: `body.${p.path}`, message: p.message })));
        }
        try {
          await ctx.prisma.template.create({ data: { key: checked.template.key, version: checked.template.version, name: checked.template.name.fr, definition: checked.template as unknown as Prisma.InputJsonValue } });
        } catch (err) {
          if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw new AppError('conflict', 'Another version was published at the same moment; retry.');
          throw err;
        }
        return checked.template;
      },
    }),
  ];
}
