/**
 * Checks a programme's history (issue 20, domain/backfill.ts) before any workflow sees it: the
 * organisations it names exist, and the lifecycle could have lived it, for the programme and for
 * each sub-programme it names (DEFI's tenders). Problems come back as French sentences with the
 * fact they are about, so the API answers 422 `history_invalid` and the import names the line.
 */
import { checkHistory, childHistory, HISTORY_MESSAGES, parisToday, type History, type HistoryProblem } from '../domain/backfill';
import type { Actor, ProgrammeState } from '../domain/programme-state';
import type { Template } from '../domain/template-schema';
import { createInitialState } from '../domain/programme';
import type { AppContext } from './context';
import { AppError, type FieldProblem } from './errors';

export interface ChildTarget {
  childKey: string;
  template: Template;
  state: ProgrammeState;
}

/** Organisation ids a history names. */
function organisationsOf(history: History): string[] {
  return [
    ...new Set(
      history.facts.flatMap((f) => {
        if (f.type === 'enrolment') return [f.organisationId];
        if (f.type === 'award') return [f.winner, ...(f.providers ?? [])];
        if (f.type === 'step') {
          const winner = (f.data as { winner?: unknown } | undefined)?.winner;
          return [...(f.organisationId ? [f.organisationId] : []), ...(typeof winner === 'string' ? [winner] : [])];
        }
        return [];
      }),
    ),
  ];
}

/**
 * Every problem of `history` for the programme (`template`, `state`) and its sub-programmes:
 * `children` says where each sub-programme's part goes (its template and current state); a
 * sub-programme named in the history but absent from `children` does not take history.
 */
export async function findHistoryProblems(ctx: AppContext, template: Template, state: ProgrammeState, history: History, actor: Actor, children: ChildTarget[]): Promise<HistoryProblem[]> {
  const ids = organisationsOf(history);
  const rows = ids.length ? await ctx.prisma.organisation.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } }) : [];
  const hctx = { actor, enteredAt: new Date(), today: parisToday(new Date()), organisations: new Set(rows.map((r) => r.id)), organisationNames: new Map(rows.map((r) => [r.id, r.name])) };
  const problems = checkHistory(template, state, history, hctx);
  if (problems.length) return problems;
  for (const childKey of new Set(history.facts.map((f) => f.childKey).filter((k): k is string => Boolean(k)))) {
    const target = children.find((c) => c.childKey === childKey);
    if (!target) {
      const index = history.facts.findIndex((f) => f.childKey === childKey);
      problems.push({ index, code: 'history_child_not_started', params: { child: childKey }, message: HISTORY_MESSAGES.history_child_not_started({ child: childKey }) });
      continue;
    }
    const own = childHistory(target.template, history, childKey);
    for (const p of checkHistory(target.template, target.state, own, hctx)) {
      // Reported against the parent's first fact for that sub-programme (an award expands into several).
      problems.push({ ...p, index: history.facts.findIndex((f) => f.childKey === childKey), message: `${target.template.name.fr} (${childKey}) : ${p.message}` });
    }
  }
  return problems;
}

/** The sub-programmes a new programme starts with, in their initial state. */
export async function childTargetsAtStart(ctx: AppContext, template: Template, start: { startDate: string; coordinatorId?: string }): Promise<ChildTarget[]> {
  const targets: ChildTarget[] = [];
  for (const def of template.children.filter((c) => c.start === 'withParent')) {
    const childTemplate = await ctx.templates.loadLatestTemplate(def.templateKey);
    targets.push({ childKey: def.key, template: childTemplate, state: createInitialState({ programmeId: `check.${def.key}`, title: def.title.fr, template: childTemplate, startDate: start.startDate, coordinatorId: start.coordinatorId }, new Date()) });
  }
  return targets;
}

export function historyError(problems: HistoryProblem[], path = 'body.history'): AppError {
  const errors: FieldProblem[] = problems.map((p) => ({ path: p.index === undefined ? path : `${path}.facts.${p.index}`, message: p.message, code: 'history_fact' as const, params: { text: p.message } }));
  return new AppError('history_invalid', `The history cannot be taken as it stands (${problems.length} problem(s)); nothing was started or written.`, errors, undefined, { count: problems.length, first: problems[0]!.code });
}
