/**
 * Timeline preview of a template for a chosen start date, computed with the code a running
 * programme uses: the engine's `advance` opens phases and activates steps, its `dueBase` says
 * where each due rule counts from, and `resolveDueInstant` applies the offset, the French
 * working calendar and the template's non-working-day rule. The preview assumes every step is
 * completed on its due date (at once when it has none) and every gate approved as soon as it
 * is reached: the plan a coordinator reads before starting.
 */
import type { ProgrammeState } from './programme-state';
import { advance, createInitialState, dueBase, stepState } from './programme';
import { DueDateOutOfRange, resolveDueInstant } from './deadlines';
import { parisDateToInstant, toParisDate } from './calendar';
import type { Template } from './template-schema';

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
}

export interface PreviewPhase {
  phaseKey: string;
  opensAt: string;
  closesAt: string;
  gate: boolean;
}

export interface TemplatePreview {
  startDate: string;
  phases: PreviewPhase[];
  steps: PreviewStep[];
  endsAt: string;
}

/** Programmes start in the morning: the preview's clock starts at 09:00 Paris on the start date. */
const START_TIME = '09:00';

/**
 * @param dueTime the installation's closing hour of a date-only deadline (Paris, HH:mm; DUE_TIME in infra/config.ts)
 */
export function previewTemplateTimeline(template: Template, startDate: string, dates: Record<string, string>, dueTime: string): TemplatePreview {
  let now = parisDateToInstant(startDate, START_TIME);
  const state = createInitialState({ programmeId: 'preview', title: template.key, template, startDate, dates }, now);

  const planned = new Map<string, PreviewStep>();
  const phases = new Map<string, PreviewPhase>();
  const milestoneOf = new Map(template.phases.flatMap((p) => p.steps.map((s) => [s.key, s.milestone] as const)));

  for (let guard = 0; guard < 10_000 && state.status === 'active'; guard++) {
    const result = advance(template, state, now);
    for (const phase of state.phases) {
      if (phase.status === 'awaiting_gate') {
        // The coordinator approves the gate as soon as it is reached.
        phase.status = 'active';
        phase.openedAt = now.toISOString();
      }
      if (phase.openedAt && !phases.has(phase.key)) {
        phases.set(phase.key, { phaseKey: phase.key, opensAt: phase.openedAt, closesAt: phase.openedAt, gate: Boolean(template.phases.find((p) => p.key === phase.key)?.gate) });
      }
    }
    for (const step of state.steps) {
      if (step.status !== 'active' || planned.has(step.key)) continue;
      const entry: PreviewStep = { phaseKey: step.phaseKey, stepKey: step.key, opensAt: step.activatedAt ?? now.toISOString(), milestone: milestoneOf.get(step.key) ?? false };
      if (templateHasDue(template, step.key)) planDue(template, state, step.key, entry, dueTime);
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
    now = new Date(finishAt(next.key));
    const step = stepState(state, next.key)!;
    step.status = 'completed';
    step.completedAt = now.toISOString();
  }
  for (const phase of state.phases) {
    const entry = phases.get(phase.key);
    if (entry && phase.completedAt) entry.closesAt = phase.completedAt;
  }

  const order = new Map(template.phases.flatMap((p) => p.steps.map((s) => s.key)).map((k, i) => [k, i]));
  return {
    startDate,
    phases: template.phases.map((p) => phases.get(p.key)).filter((p): p is PreviewPhase => Boolean(p)),
    steps: [...planned.values()].sort((a, b) => order.get(a.stepKey)! - order.get(b.stepKey)!),
    endsAt: now.toISOString(),
  };
}

function templateHasDue(template: Template, stepKey: string): boolean {
  return template.phases.some((p) => p.steps.some((s) => s.key === stepKey && s.due));
}

function planDue(template: Template, state: ProgrammeState, stepKey: string, entry: PreviewStep, dueTime: string): void {
  const rule = template.phases.flatMap((p) => p.steps).find((s) => s.key === stepKey)?.due;
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
