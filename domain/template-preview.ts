/**
 * Timeline preview of a template for a chosen start date, computed with the code a running
 * programme uses: the engine's `advance` opens phases and activates steps, its `dueBase` says
 * where each due rule counts from, and `resolveDueInstant` applies the offset, the French
 * working calendar and the template's non-working-day rule. The preview assumes every step is
 * completed on its due date (at once when it has none) and every gate approved as soon as it
 * is reached: the plan a coordinator reads before starting.
 *
 * Issue 19: a step listing outcomes is assumed to record the one chosen in `options.outcomes`
 * (its first outcome by default); phases and steps on the other branches are listed as skipped,
 * with the condition that would open them. Recurring steps list their occurrences up to a horizon
 * (`options.horizonMonths`, 24 by default), `endless` saying a series goes on after it.
 */
import type { ProgrammeState } from './programme-state';
import { advance, createInitialState, dueBase, stepState } from './programme';
import { DueDateOutOfRange, resolveDueInstant } from './deadlines';
import { parisDateToInstant, toParisDate } from './calendar';
import { definitionKey } from './step-row-key';
import type { BranchCondition, Template } from './template-schema';

export interface PreviewStep {
  phaseKey: string;
  stepKey: string;
  /** When the step opens (its phase is open and its dependencies are done). */
  opensAt: string;
  /** The planned due instant; absent when the step has no due rule or its date parameter is missing. */
  dueAt?: string;
  /** Where the due date landed before the non-working-day rule moved it (only when moved). */
  movedFrom?: string;
  /** Why no due date could be planned. */
  problem?: 'missing_date_param' | 'date_out_of_range';
  /** The date parameter a 'param' rule is waiting for. */
  param?: string;
  milestone: boolean;
  /** Issue 19: opens only on this outcome of an earlier step. */
  when?: BranchCondition;
  /** Issue 19: skipped on the outcomes assumed ("sans objet"). */
  skipped?: boolean;
  /** Issue 19: the outcome assumed when the step is completed (a step listing outcomes). */
  outcome?: string;
  /** Issue 19: the occurrence's number, for a recurring step (`stepKey` is the template step's). */
  occurrence?: number;
}

export interface PreviewPhase {
  phaseKey: string;
  opensAt: string;
  closesAt: string;
  gate: boolean;
  /** Issue 19: opens only on this outcome of an earlier step. */
  when?: BranchCondition;
  /** Issue 19: skipped on the outcomes assumed. */
  skipped?: boolean;
}

export interface TemplatePreview {
  startDate: string;
  phases: PreviewPhase[];
  steps: PreviewStep[];
  endsAt: string;
  /** Issue 19: a recurring step goes on past the preview's horizon (for the programme's life). */
  endless?: boolean;
}

export interface PreviewOptions {
  /** Issue 19: the outcome assumed for a step listing outcomes, by step key (default: its first outcome). */
  outcomes?: Record<string, string>;
  /** Issue 19: how far recurring steps are listed, in months after the start date (default 24). */
  horizonMonths?: number;
}

/** Programmes start in the morning: the preview's clock starts at 09:00 Paris on the start date. */
const START_TIME = '09:00';

/**
 * @param dueTime the installation's closing hour of a date-only deadline (Paris, HH:mm; DUE_TIME in infra/config.ts)
 */
export function previewTemplateTimeline(template: Template, startDate: string, dates: Record<string, string>, dueTime: string, options: PreviewOptions = {}): TemplatePreview {
  let now = parisDateToInstant(startDate, START_TIME);
  const state = createInitialState({ programmeId: 'preview', title: template.key, template, startDate, dates }, now);

  const planned = new Map<string, PreviewStep>();
  const phases = new Map<string, PreviewPhase>();
  const defs = new Map(template.phases.flatMap((p) => p.steps.map((s) => [s.key, s] as const)));
  const milestoneOf = new Map(template.phases.flatMap((p) => p.steps.map((s) => [s.key, s.milestone] as const)));
  const phaseDefs = new Map(template.phases.map((p) => [p.key, p]));
  const recurring = template.phases.some((p) => p.steps.some((s) => s.repeat));
  const horizon = recurring ? addMonths(parisDateToInstant(startDate, START_TIME), options.horizonMonths ?? 24).getTime() : Infinity;
  let endless = false;

  for (let guard = 0; guard < 10_000 && state.status === 'active'; guard++) {
    const result = advance(template, state, now);
    for (const phase of state.phases) {
      if (phase.status === 'awaiting_gate') {
        // The coordinator approves the gate as soon as it is reached.
        phase.status = 'active';
        phase.openedAt = now.toISOString();
      }
      const when = phaseDefs.get(phase.key)?.when;
      if ((phase.openedAt || phase.status === 'skipped') && !phases.has(phase.key)) {
        const at = phase.openedAt ?? phase.completedAt ?? now.toISOString();
        phases.set(phase.key, { phaseKey: phase.key, opensAt: at, closesAt: at, gate: Boolean(phaseDefs.get(phase.key)?.gate), ...(when ? { when } : {}), ...(phase.status === 'skipped' ? { skipped: true } : {}) });
      }
    }
    for (const step of state.steps) {
      if ((step.status !== 'active' && step.status !== 'skipped') || planned.has(step.key)) continue;
      const def = defs.get(definitionKey(step.key))!;
      const entry: PreviewStep = { phaseKey: step.phaseKey, stepKey: def.key, opensAt: step.activatedAt ?? now.toISOString(), milestone: milestoneOf.get(def.key) ?? false };
      if (def.when) entry.when = def.when;
      if (step.occurrence) entry.occurrence = step.occurrence.n;
      if (step.status === 'skipped') entry.skipped = true;
      else if (templateHasDue(template, step.key) || step.occurrence) planDue(template, state, step.key, entry, dueTime);
      planned.set(step.key, entry);
    }
    // Complete the active step that finishes first (its due date, or at once without one).
    const active = state.steps.filter((s) => s.status === 'active');
    if (!active.length) {
      if (!result.changed) break;
      continue;
    }
    const finishAt = (key: string) => Math.max(now.getTime(), planned.get(key)?.dueAt ? Date.parse(planned.get(key)!.dueAt!) : now.getTime());
    const next = active.reduce((a, b) => (finishAt(b.key) < finishAt(a.key) ? b : a));
    if (finishAt(next.key) > horizon) {
      // A series for the programme's life: the preview stops at its horizon.
      endless = true;
      break;
    }
    now = new Date(finishAt(next.key));
    const step = stepState(state, next.key)!;
    step.status = 'completed';
    step.completedAt = now.toISOString();
    const outcomes = defs.get(definitionKey(step.key))?.outcomes;
    if (outcomes?.length) {
      const chosen = options.outcomes?.[step.key];
      step.outcome = chosen && outcomes.includes(chosen) ? chosen : outcomes[0];
      planned.get(step.key)!.outcome = step.outcome;
    }
  }
  for (const phase of state.phases) {
    const entry = phases.get(phase.key);
    if (entry && phase.completedAt) entry.closesAt = phase.completedAt;
  }

  const order = new Map(template.phases.flatMap((p) => p.steps.map((s) => s.key)).map((k, i) => [k, i]));
  return {
    startDate,
    phases: template.phases.map((p) => phases.get(p.key)).filter((p): p is PreviewPhase => Boolean(p)),
    // (A stable sort: occurrences stay in the order they open.)
    steps: [...planned.values()].filter((s) => !(s.occurrence && s.dueAt && Date.parse(s.dueAt) > horizon)).sort((a, b) => order.get(a.stepKey)! - order.get(b.stepKey)!),
    endsAt: now.toISOString(),
    ...(endless ? { endless } : {}),
  };
}

/** The same wall time `months` later (UTC arithmetic is enough for a horizon). */
function addMonths(instant: Date, months: number): Date {
  const out = new Date(instant);
  out.setUTCMonth(out.getUTCMonth() + months);
  return out;
}

function templateHasDue(template: Template, stepKey: string): boolean {
  return template.phases.some((p) => p.steps.some((s) => s.key === stepKey && s.due));
}

function planDue(template: Template, state: ProgrammeState, stepKey: string, entry: PreviewStep, dueTime: string): void {
  const rule = template.phases.flatMap((p) => p.steps).find((s) => s.key === definitionKey(stepKey))?.due;
  const base = dueBase(template, state, stepKey);
  if (!base) {
    if (rule?.from === 'param') {
      entry.problem = 'missing_date_param';
      entry.param = rule.param;
    }
    return;
  }
  try {
    const due = resolveDueInstant({ ...base, nonWorkingDays: template.nonWorkingDays ?? 'none' }, dueTime);
    entry.dueAt = due.toISOString();
    const unmoved = resolveDueInstant({ ...base, nonWorkingDays: 'none' }, dueTime);
    if (toParisDate(unmoved) !== toParisDate(due)) entry.movedFrom = unmoved.toISOString();
  } catch (err) {
    if (!(err instanceof DueDateOutOfRange)) throw err;
    entry.problem = 'date_out_of_range';
  }
}
