/**
 * Moving a running programme to a newer version of its template: what would change (the dry run a
 * coordinator reads) and what may not (refusals). Pure and deterministic: the API computes it for
 * the dry run, and the workflow's Update computes it again from its own state before applying it,
 * so a plan sent by a client is never trusted.
 *
 * Steps and phases are matched by key. A step whose name changed is "renamed"; a step whose due
 * rule (or the template's non-working-day rule) changed gets its due date computed again from the
 * new rule, with the workflow's own `dueBase` and, when given, the same resolver the workflow's
 * activity runs (domain/deadlines.ts `resolveDueInstant`, kept out of this module because the
 * holiday calendar stays out of the workflow sandbox).
 */
import type { PhaseState, ProgrammeState, StepStatus } from '../programme-state';
import type { DueDateInput } from '../deadlines';
import type { LocalisedText, Template } from '../template-schema';
import { sameValue } from '../template-diff';
import { dueBase } from './due-dates';
import { phaseState, stepState, templatePhase, templateStep } from './lookups';
import { refuse, type Refusal } from './refusal';

/** A name as a refusal or a screen carries it (the reader's language is chosen on screen). */
type Name = { fr: string; en?: string };
const nameOf = (text: LocalisedText | undefined, key: string): Name => (text ? { fr: text.fr, en: text.en } : { fr: key });

export interface UpgradeStepChange {
  stepKey: string;
  phaseKey: string;
  step: Name;
  phase: Name;
}

export interface UpgradeDueChange {
  stepKey: string;
  step: Name;
  status: StepStatus;
  /** The current due instant (ISO), if any. */
  before?: string;
  /**
   * The due instant under the new rule (ISO): computed for an open step when a resolver is given;
   * absent when the new rule sets none, or for a step not yet open (its date is set when it opens).
   */
  after?: string;
  /** The step is open: its due date is computed again when the upgrade is applied. */
  recompute: boolean;
  /** Why the new date could not be computed (a date parameter not supplied, a date out of range). */
  problem?: 'missing_date_param' | 'date_out_of_range';
}

export interface UpgradeCapacity {
  phaseKey: string;
  phase: Name;
  /** Organisations enrolled in the phase (roles excepted: they do not count against capacity). */
  enrolled: number;
  before?: number;
  after?: number;
}

export interface UpgradePlan {
  fromVersion: number;
  toVersion: number;
  phasesAdded: { phaseKey: string; phase: Name }[];
  phasesRemoved: { phaseKey: string; phase: Name }[];
  added: UpgradeStepChange[];
  removed: (UpgradeStepChange & { status: StepStatus })[];
  renamed: { stepKey: string; before: Name; after: Name }[];
  dueDates: UpgradeDueChange[];
  /** Every phase that takes enrolments in either version, with its enrolments against both capacities. */
  capacity: UpgradeCapacity[];
  /** What makes the upgrade unsafe; empty when it may be applied. Each carries a `reason` a screen words. */
  refusals: Refusal[];
}

export interface PlanUpgradeOptions {
  /**
   * Resolves a due rule to an ISO instant (the workflow's activity code: `resolveDueInstant`);
   * throws a RangeError for a date out of range. Without it, due changes are listed without dates.
   */
  resolveDue?: (input: DueDateInput) => string;
}

const countedEnrolments = (phase: PhaseState | undefined) => (phase ? phase.enrolled.filter((e) => !e.slot).length : 0);

/**
 * The plan for moving `state` (running on `current`) to `next`.
 * @returns the changes and, in `refusals`, every reason the upgrade is unsafe (never throws for a refusal)
 */
export function planUpgrade(current: Template, state: ProgrammeState, next: Template, options: PlanUpgradeOptions = {}): UpgradePlan {
  const plan: UpgradePlan = { fromVersion: state.templateVersion, toVersion: next.version, phasesAdded: [], phasesRemoved: [], added: [], removed: [], renamed: [], dueDates: [], capacity: [], refusals: [] };
  const refusals = plan.refusals;

  if (next.key !== current.key) {
    refusals.push(refuse('upgrade_refused', `Template "${next.key}" is not this programme's template ("${current.key}").`, { reason: 'upgrade_template_key_changed', template: nameOf(current.name, current.key), other: nameOf(next.name, next.key) }));
    return plan;
  }
  if (state.status !== 'active' && state.status !== 'paused') {
    refusals.push(refuse('programme_not_active', `The programme is ${state.status}; only a running programme is upgraded.`, { reason: 'programme_status', status: state.status }));
  }
  if (next.version <= state.templateVersion) {
    refusals.push(refuse('upgrade_refused', `The programme already runs version ${state.templateVersion}; version ${next.version} is not newer.`, { reason: 'upgrade_version_not_newer', version: next.version, current: state.templateVersion }));
  }

  // Phases: added, removed, and the order the lifecycle relies on (opened phases first).
  for (const p of next.phases) if (!phaseState(state, p.key)) plan.phasesAdded.push({ phaseKey: p.key, phase: nameOf(p.name, p.key) });
  for (const p of state.phases) {
    if (templatePhase(next, p.key)) continue;
    const name = nameOf(templatePhase(current, p.key)?.name, p.key);
    plan.phasesRemoved.push({ phaseKey: p.key, phase: name });
    if (p.status !== 'pending' || p.enrolled.length > 0) {
      refusals.push(refuse('upgrade_refused', `Phase "${p.key}" has begun (${p.status}, ${p.enrolled.length} enrolment(s)); it cannot be removed.`, { reason: 'upgrade_phase_removed_started', phase: name }));
    }
  }
  // Phases run in order: a phase that has not opened yet (or a new one) may not come before one that has.
  let sawUnopened: Name | undefined;
  for (const p of next.phases) {
    const opened = (phaseState(state, p.key)?.status ?? 'pending') !== 'pending';
    if (!opened) sawUnopened ??= nameOf(p.name, p.key);
    else if (sawUnopened) {
      refusals.push(refuse('upgrade_refused', `Phase "${p.key}" has opened but would follow a phase that has not.`, { reason: 'upgrade_phase_order', phase: sawUnopened, opened: nameOf(p.name, p.key) }));
      break;
    }
  }

  // Steps: added, removed, moved, renamed.
  for (const p of next.phases) {
    for (const s of p.steps) {
      const existing = stepState(state, s.key);
      if (!existing) {
        plan.added.push({ stepKey: s.key, phaseKey: p.key, step: nameOf(s.name, s.key), phase: nameOf(p.name, p.key) });
        continue;
      }
      const before = templateStep(current, s.key);
      if (before && !sameValue(before.name, s.name)) plan.renamed.push({ stepKey: s.key, before: nameOf(before.name, s.key), after: nameOf(s.name, s.key) });
      if (existing.phaseKey !== p.key && existing.status !== 'pending') {
        refusals.push(refuse('upgrade_refused', `Step "${s.key}" has begun; it cannot move to phase "${p.key}".`, { reason: 'upgrade_step_moved_started', step: nameOf(s.name, s.key), phase: nameOf(p.name, p.key) }));
      }
    }
  }
  for (const s of state.steps) {
    if (templateStep(next, s.key)) continue;
    const name = nameOf(templateStep(current, s.key)?.name, s.key);
    plan.removed.push({ stepKey: s.key, phaseKey: s.phaseKey, step: name, phase: nameOf(templatePhase(current, s.phaseKey)?.name, s.phaseKey), status: s.status });
    if (s.status === 'completed' || Object.keys(s.parts).length > 0) {
      refusals.push(refuse('upgrade_refused', `Step "${s.key}" is done; it cannot be removed.`, { reason: 'upgrade_step_done_removed', step: name }));
    } else if (s.deliverables.length > 0) {
      refusals.push(refuse('upgrade_refused', `Step "${s.key}" holds ${s.deliverables.length} deliverable(s); it cannot be removed.`, { reason: 'upgrade_step_deliverables_removed', step: name, count: s.deliverables.length }));
    }
  }

  // Due dates: open or future steps whose rule changed.
  const calendarChanged = (current.nonWorkingDays ?? 'none') !== (next.nonWorkingDays ?? 'none');
  for (const s of state.steps) {
    if (s.status !== 'active' && s.status !== 'pending') continue;
    const before = templateStep(current, s.key);
    const after = templateStep(next, s.key);
    if (!before || !after) continue;
    const dayBased = (rule: typeof after.due) => Boolean(rule && !('offset' in rule && rule.offset?.unit === 'seconds'));
    const changed = !sameValue(before.due, after.due) || (calendarChanged && (dayBased(before.due) || dayBased(after.due)));
    if (!changed) continue;
    const entry: UpgradeDueChange = { stepKey: s.key, step: nameOf(after.name, s.key), status: s.status, recompute: s.status === 'active', ...(s.dueAt ? { before: s.dueAt } : {}) };
    if (s.status === 'active' && after.due && options.resolveDue) {
      const base = dueBase(next, state, s.key);
      if (!base) entry.problem = 'missing_date_param';
      else {
        try {
          entry.after = options.resolveDue({ ...base, nonWorkingDays: next.nonWorkingDays ?? 'none' });
        } catch (err) {
          if (!(err instanceof RangeError)) throw err;
          entry.problem = 'date_out_of_range';
        }
      }
      // The rule changed but lands on the same instant: nothing moves.
      if (entry.after && entry.before && Date.parse(entry.after) === Date.parse(entry.before)) continue;
    }
    plan.dueDates.push(entry);
  }

  // Enrolments against capacity.
  for (const p of next.phases) {
    const old = templatePhase(current, p.key);
    if (!p.capacity && !old?.capacity) continue;
    const phase = phaseState(state, p.key);
    const enrolled = countedEnrolments(phase);
    plan.capacity.push({ phaseKey: p.key, phase: nameOf(p.name, p.key), enrolled, ...(old?.capacity ? { before: old.capacity.max } : {}), ...(p.capacity ? { after: p.capacity.max } : {}) });
    const maximum = p.capacity?.max ?? 0;
    if (enrolled > maximum) {
      refusals.push(refuse('upgrade_refused', `Phase "${p.key}" has ${enrolled} enrolment(s); the new capacity is ${maximum}.`, { reason: 'upgrade_capacity_below_enrolments', phase: nameOf(p.name, p.key), enrolled, maximum }));
    }
  }

  // Sub-programmes already opened keep a definition to report to.
  for (const child of state.children) {
    if (next.children.some((c) => c.key === child.childKey)) continue;
    refusals.push(refuse('upgrade_refused', `Sub-programme "${child.childKey}" is open; its definition cannot be removed.`, { reason: 'upgrade_child_removed', child: child.title }));
  }
  return plan;
}
