import { z } from 'zod';
import { toParisDate } from '../../domain/calendar';
import { childHistory, isUntouched, type History } from '../../domain/backfill';
import { attachHistoryProblems, historyFactOf, planImport, type ImportAction, type ImportLine, type ImportPlan } from '../../domain/import-sheet';
import type { ProgrammeState } from '../../domain/programme-state';
import { approvePhaseUpdate, completeStepUpdate, enrolOrganisationUpdate, recordHistoryUpdate, recordIndicatorUpdate } from '../../workflows/programme';
import { findHistoryProblems, type ChildTarget } from '../history';
import type { AppContext } from '../context';
import { AppError, toProblem } from '../errors';
import { defineRoute } from '../http';
import { readImportFile, renderImportModelCsv, renderImportModelXlsx } from '../import-file';
import { isOnTeam } from '../programme-team';
import { actorOf } from '../programme-commands';

/**
 * Bulk import of a programme's history from a spreadsheet: a dry run plans every line (what
 * would be created, every problem in French) and writes nothing; `confirm: true` applies a file
 * without problems and records each line's key (import_rows), so that a rerun of the same file
 * changes nothing. On a programme nothing has happened to yet, the file is its past (issue 20):
 * the lines become one history taken by the workflow at their real dates (domain/backfill.ts),
 * checked against the lifecycle in the dry run already; otherwise each line is applied in date
 * order through the ordinary updates, at the time of the import.
 */
const MAX_IMPORT_BYTES = 180 * 1024;
const ZProblem = z.object({ code: z.string(), params: z.record(z.string(), z.string()), message: z.string() });
/** The type is read from the name (readImportFile): the schema says which names are taken (surrounding spaces are trimmed). */
const ZImportFileName = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .regex(/\.([xX][lL][sS][xX]|[cC][sS][vV]|[tT][xX][tT])\s*$/, 'an .xlsx, .csv or .txt file name');
const ZImportAnswer = z.object({
  dryRun: z.boolean(),
  written: z.boolean(),
  plan: z.object({
    valid: z.boolean(),
    problems: z.array(ZProblem),
    counts: z.object({ create: z.number(), unchanged: z.number(), error: z.number() }),
    lines: z.array(z.object({ line: z.number(), key: z.string(), outcome: z.enum(['create', 'unchanged', 'error']), description: z.string(), problems: z.array(ZProblem) })),
  }),
  applied: z.array(z.object({ line: z.number(), key: z.string(), outcome: z.enum(['applied', 'refused']), code: z.string().optional(), params: z.record(z.string(), z.unknown()).optional(), message: z.string().optional() })),
});

const TYPE_ORDER: Record<ImportAction['type'], number> = { inscription: 0, phase: 1, etape: 2, indicateur: 3, attribution: 4 };
const frenchDate = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

export function importRoutes(ctx: AppContext) {
  /** The sub-programmes (DEFI's tenders) as they stand: a history's award goes to them. */
  async function childTargets(state: ProgrammeState): Promise<ChildTarget[]> {
    const targets: ChildTarget[] = [];
    for (const child of state.children) {
      const row = await ctx.prisma.programme.findUnique({ where: { id: child.programmeId } });
      const childState = row?.state as unknown as ProgrammeState | undefined;
      if (!row || !childState) continue;
      targets.push({ childKey: child.childKey, template: await ctx.templates.loadTemplateVersion(row.templateKey, row.templateVersion), state: childState });
    }
    return targets;
  }
  const publicPlan = (plan: ImportPlan) => ({ ...plan, lines: plan.lines.map(({ line, key, outcome, description, problems }) => ({ line, key, outcome, description, problems })) });

  return [
    defineRoute({
      method: 'get', path: '/api/v1/imports/model.xlsx', summary: 'The import model workbook: the columns, example lines (DEFI at the end of 2021) and a sheet explaining each column', tags: ['imports'], auth: ['coordinator', 'admin', 'manager'],
      responseContentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      async handler({ res }) {
        const body = await renderImportModelXlsx();
        res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
        res.setHeader('Content-Disposition', 'attachment; filename="modele-import-jalons.xlsx"');
        res.status(200).end(body);
        return undefined;
      },
    }),
    defineRoute({
      method: 'get', path: '/api/v1/imports/model.csv', summary: 'The import model as CSV in the French Excel dialect (";", UTF-8 with BOM)', tags: ['imports'], auth: ['coordinator', 'admin', 'manager'],
      response: z.string(), responseContentType: 'text/csv; charset=utf-8',
      async handler({ res }) {
        res.setHeader('Content-Disposition', 'attachment; filename="modele-import-jalons.csv"');
        return renderImportModelCsv();
      },
    }),
    defineRoute({
      method: 'post', path: '/api/v1/programmes/:id/import', summary: "Import a programme's history from a spreadsheet (XLSX or French CSV, base64): a dry run lists each line and its problems; confirm: true writes a file without problems; a rerun changes nothing", tags: ['imports'], auth: ['coordinator', 'admin'],
      params: z.object({ id: z.string().min(1).max(200) }),
      body: z.strictObject({ fileName: ZImportFileName, content: z.base64().max(Math.ceil(MAX_IMPORT_BYTES / 3) * 4), confirm: z.boolean().default(false) }),
      response: ZImportAnswer,
      async handler({ params, body, user }) {
        const row = await ctx.prisma.programme.findUnique({ where: { id: params.id } });
        const state = row?.state as unknown as ProgrammeState | undefined;
        if (!row || !state) throw new AppError('not_found', 'No such programme.');
        if (!(await isOnTeam(ctx.prisma, params.id, user))) {
          throw new AppError('not_programme_member', "You are not on this programme's team; its coordinators or an admin can add you (PUT /api/v1/programmes/:id/team).");
        }
        const buffer = Buffer.from(body.content, 'base64');
        if (buffer.length > MAX_IMPORT_BYTES) throw new AppError('payload_too_large', `An import file holds at most ${MAX_IMPORT_BYTES} bytes.`, undefined, undefined, { reason: 'import_too_large', maxMb: Math.round((MAX_IMPORT_BYTES / 1024 / 1024) * 10) / 10 });
        const sheet = await readImportFile(body.fileName, buffer);
        const [template, organisations, imported] = await Promise.all([
          ctx.templates.loadTemplateVersion(row.templateKey, row.templateVersion),
          ctx.prisma.organisation.findMany({ where: { archivedAt: null }, select: { id: true, name: true } }),
          ctx.prisma.importRow.findMany({ where: { programmeId: params.id }, select: { key: true, fingerprint: true } }),
        ]);
        let plan = planImport({ template, state, headers: sheet.headers, rows: sheet.rows, organisations, imported: new Map(imported.map((r) => [r.key, r.fingerprint])), today: toParisDate(new Date()) });
        const actor = actorOf(user);
        // The programme's past: its lines as one history at their real dates, if nothing happened to it (nor to its sub-programmes) yet.
        const children = await childTargets(state);
        const asHistory = isUntouched(state) && children.every((c) => isUntouched(c.state));
        const toWrite = (p: ImportPlan) => p.lines.filter((l) => l.outcome === 'create' && l.action).sort((a, b) => a.action!.date.localeCompare(b.action!.date) || TYPE_ORDER[a.action!.type] - TYPE_ORDER[b.action!.type] || a.line - b.line);
        const historyOf = (lines: ImportLine[]): History => ({ facts: lines.map((l) => historyFactOf(l.action!, `Saisi a posteriori par ${user.name} (import, ligne ${l.line}, clé ${l.key})`)) });
        if (asHistory && toWrite(plan).length) {
          const lines = toWrite(plan);
          const problems = await findHistoryProblems(ctx, template, state, historyOf(lines), actor, children);
          plan = attachHistoryProblems(plan, problems, lines.map((l) => l.line));
        }
        if (!body.confirm) return { dryRun: true, written: false, plan: publicPlan(plan), applied: [] };
        if (!plan.valid) {
          // The import's own sentences are French already (domain/import-sheet.ts): sent as the `text` param.
          const errors = [
            ...plan.problems.map((p) => ({ path: 'body.content', message: p.message, code: 'import_line' as const, params: { text: p.message } })),
            ...plan.lines.flatMap((l) => l.problems.map((p) => ({ path: `ligne ${l.line}`, message: p.message, code: 'import_line' as const, params: { line: l.line, text: p.message } }))),
          ];
          throw new AppError('import_rejected', 'The file has problems: nothing was written. Correct the lines listed and send it again.', errors);
        }

        // Apply in date order (enrolments, then gates, steps, indicators on the same day).
        const todo = toWrite(plan);
        const applied: z.infer<typeof ZImportAnswer>['applied'] = [];
        if (asHistory && todo.length) {
          const history = historyOf(todo);
          await ctx.temporal.update(params.id, recordHistoryUpdate, { actor, history });
          for (const child of children) {
            const own = childHistory(child.template, history, child.childKey);
            if (own.facts.length) await ctx.temporal.update(child.state.programmeId, recordHistoryUpdate, { actor, history: own });
          }
          await ctx.prisma.importRow.createMany({ data: todo.map((l) => ({ programmeId: params.id, key: l.key, fingerprint: l.fingerprint, factDate: l.action!.date, appliedBy: user.id })) });
          return { dryRun: false, written: true, plan: publicPlan(plan), applied: todo.map((l) => ({ line: l.line, key: l.key, outcome: 'applied' as const })) };
        }
        for (const line of todo) {
          const action = line.action!;
          const note = `Saisi a posteriori par ${user.name} (import, ligne ${line.line}, clé ${line.key}) : le ${frenchDate(action.date)}`;
          try {
            if (action.type === 'inscription') await ctx.temporal.update(params.id, enrolOrganisationUpdate, { actor, organisationId: action.organisationId, phaseKey: action.phaseKey });
            else if (action.type === 'phase') await ctx.temporal.update(params.id, approvePhaseUpdate, { actor, phaseKey: action.phaseKey });
            else if (action.type === 'etape') await ctx.temporal.update(params.id, completeStepUpdate, { actor, stepKey: action.stepKey, organisationId: action.organisationId, note: action.note ? `${note}. ${action.note}` : note });
            else if (action.type === 'indicateur') await ctx.temporal.update(params.id, recordIndicatorUpdate, { actor, key: action.indicatorKey, value: action.value });
            else throw new AppError('history_invalid', 'A tender award is history: it is imported with the rest of the programme’s past, before any other action.');
            await ctx.prisma.importRow.create({ data: { programmeId: params.id, key: line.key, fingerprint: line.fingerprint, factDate: action.date, appliedBy: user.id } });
            applied.push({ line: line.line, key: line.key, outcome: 'applied' });
          } catch (err) {
            if (!(err instanceof AppError)) throw err;
            // The workflow refused (a step not open yet, a full phase): the lines before it stay written; a rerun goes on from here.
            const problem = toProblem(err, '');
            applied.push({ line: line.line, key: line.key, outcome: 'refused', code: err.code, ...(err.params ? { params: err.params } : {}), message: problem.detail });
            break;
          }
        }
        return { dryRun: false, written: applied.some((a) => a.outcome === 'applied'), plan: publicPlan(plan), applied };
      },
    }),
  ];
}
