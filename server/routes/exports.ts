import { z } from 'zod';
import type { AppContext } from '../context';
import { defineRoute } from '../http';
import { buildPortfolioCsv, type PortfolioRow } from '../portfolio-export';

const ZProgrammeStatus = z.enum(['active', 'paused', 'completed', 'cancelled']);

/** Exports people open in a spreadsheet (see server/portfolio-export.ts for the rules). */
export function exportRoutes(ctx: AppContext) {
  return [
    defineRoute({
      method: 'get', path: '/api/v1/dashboard/export.csv', summary: 'Every programme of the portfolio as CSV (French spreadsheet conventions, Paris dates, names not codes, formulas neutralised, no row cap)', tags: ['dashboard'],
      auth: ['manager', 'coordinator', 'admin'],
      query: z.object({
        templateKey: z.string().min(1).max(200).regex(/^[a-z0-9][a-z0-9-]*$/, 'unknown key').optional(),
        status: ZProgrammeStatus.optional(),
        lang: z.enum(['fr', 'en']).default('fr'),
      }),
      responseContentType: 'text/csv; charset=utf-8',
      async handler({ query, res }) {
        const now = new Date();
        const [programmes, templates] = await Promise.all([
          ctx.prisma.programme.findMany({
            where: { ...(query.templateKey ? { templateKey: query.templateKey } : {}), ...(query.status ? { status: query.status } : {}) },
            select: { id: true, title: true, templateKey: true, templateVersion: true, status: true, startDate: true, lateSteps: true, nextDueAt: true, parentId: true },
            orderBy: [{ lateSteps: 'desc' }, { nextDueAt: { sort: 'asc', nulls: 'last' } }, { title: 'asc' }, { id: 'asc' }],
          }),
          ctx.prisma.template.findMany({ select: { key: true, version: true, definition: true } }),
        ]);
        const titles = new Map(programmes.map((p) => [p.id, p.title]));
        const missingParents = [...new Set(programmes.map((p) => p.parentId).filter((id): id is string => id !== null && !titles.has(id)))];
        if (missingParents.length) for (const p of await ctx.prisma.programme.findMany({ where: { id: { in: missingParents } }, select: { id: true, title: true } })) titles.set(p.id, p.title);
        const names = new Map<string, string>();
        for (const t of templates) {
          const name = (t.definition as { name?: { fr?: string; en?: string } }).name;
          const label = (query.lang === 'en' ? name?.en : name?.fr) ?? name?.fr;
          if (label) names.set(`${t.key}@${t.version}`, label);
        }
        const rows: PortfolioRow[] = programmes.map((p) => ({
          title: p.title,
          templateKey: p.templateKey,
          templateVersion: p.templateVersion,
          status: ZProgrammeStatus.catch('active').parse(p.status),
          startDate: p.startDate,
          lateSteps: p.lateSteps,
          nextDueAt: p.nextDueAt,
          parentTitle: p.parentId ? (titles.get(p.parentId) ?? null) : null,
        }));
        const day = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(now);
        res.setHeader('Content-Disposition', `attachment; filename="jalons-portefeuille-${day}.csv"`);
        res.setHeader('Cache-Control', 'no-store');
        return buildPortfolioCsv(rows, names, now, query.lang);
      },
    }),
  ];
}
