import { z } from 'zod';
import type { AppContext } from '../context';
import { defineRoute } from '../http';
import { buildPortfolioCsv, buildPortfolioXlsx, type PortfolioRow } from '../portfolio-export';

const ZProgrammeStatus = z.enum(['active', 'paused', 'completed', 'cancelled']);
const ZExportQuery = z.object({
  templateKey: z.string().min(1).max(200).regex(/^[a-z0-9][a-z0-9-]*$/, 'unknown key').optional(),
  status: ZProgrammeStatus.optional(),
  lang: z.enum(['fr', 'en']).default('fr'),
});
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Exports people open in a spreadsheet (see server/portfolio-export.ts for the rules). */
export function exportRoutes(ctx: AppContext) {
  /** Every programme of the portfolio (no cap), late first then soonest due, with template names and parent titles. */
  async function loadPortfolio(query: z.infer<typeof ZExportQuery>): Promise<{ rows: PortfolioRow[]; names: Map<string, string> }> {
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
    return { rows, names };
  }

  /** jalons-portefeuille-2026-12-14.csv: the Paris day of the export. */
  const fileName = (now: Date, extension: 'csv' | 'xlsx') => `jalons-portefeuille-${new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(now)}.${extension}`;

  return [
    defineRoute({
      method: 'get', path: '/api/v1/dashboard/export.csv', summary: 'Every programme of the portfolio as CSV (French spreadsheet conventions, Paris dates, names not codes, formulas neutralised, no row cap)', tags: ['dashboard'],
      auth: ['manager', 'coordinator', 'admin'],
      query: ZExportQuery,
      responseContentType: 'text/csv; charset=utf-8',
      async handler({ query, res }) {
        const now = new Date();
        const { rows, names } = await loadPortfolio(query);
        res.setHeader('Content-Disposition', `attachment; filename="${fileName(now, 'csv')}"`);
        res.setHeader('Cache-Control', 'no-store');
        return buildPortfolioCsv(rows, names, now, query.lang);
      },
    }),
    defineRoute({
      method: 'get', path: '/api/v1/dashboard/export.xlsx', summary: 'The same rows as the CSV export as an XLSX workbook: Paris dates as spreadsheet dates (dd/mm/yyyy hh:mm), names not codes, formula-looking text kept as text, no row cap', tags: ['dashboard'],
      auth: ['manager', 'coordinator', 'admin'],
      query: ZExportQuery,
      responseContentType: XLSX_TYPE,
      async handler({ query, res }) {
        const now = new Date();
        const { rows, names } = await loadPortfolio(query);
        const body = await buildPortfolioXlsx(rows, names, now, query.lang);
        res.setHeader('Content-Type', XLSX_TYPE);
        res.setHeader('Content-Disposition', `attachment; filename="${fileName(now, 'xlsx')}"`);
        res.setHeader('Cache-Control', 'no-store');
        res.status(200).end(body);
        return undefined;
      },
    }),
  ];
}
