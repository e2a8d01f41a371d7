/**
 * Moving a programme forward as far as its rules allow: phases open in order (or wait at their
 * gate), steps whose dependencies are done become active, finished phases and the programme close.
 */
import type { Actor, PhaseState, ProgrammeState } from '../programme-state';
import type { Template } from '../template-schema';
import { resolveAssignee } from './assignment';
import { branchDecision, isDone, skipPhase, skipStep } from './branches';
import { isNextOccurrenceDue, isSeriesRunning, nextOccurrenceDate, openOccurrence } from './recurrence';
import { stepState, templatePhase, templateStep } from './lookups';
import { recipientsOf, type NotificationRequest } from './notifications';
import { markChanged, recordEvent } from './state';

export interface AdvanceResult {
  changed: boolean;
  /** Steps that just became active and have a due rule to resolve (the workflow resolves dates through an activity). */
  needDueDate: string[];
  notifications: NotificationRequest[];
}

export function advance(t: Template, state: ProgrammeState, now: Date): AdvanceResult {
  const result: AdvanceResult = { changed: false, needDueDate: [], notifications: [] };
  if (state.status !== 'active') return result;
  for (let guard = 0; guard < 1000; guard++) {
    if (!advanceOnce(t, state, now, result)) break;
    result.changed = true;
  }
  if (result.changed) markChanged(state);
  return result;
}

function advanceOnce(t: Template, state: ProgrammeState, now: Date, result: AdvanceResult): boolean {
  // Once the programme is completed there is nothing left to advance (the loop used to report a
  // change on every turn until its guard: 999 `programme.completed` events for one completion).
  if (state.status !== 'active') return false;
  const at = now.toISOString();
  // The first phase not completed (nor skipped on a branch not taken) is the current one: phases run in order.
  const current = state.phases.find((p) => !isDone(p.status));
  if (!current) {
    state.status = 'completed';
    recordEvent(state, now, 'programme.completed', undefined);
    return true;
  }
  const def = templatePhase(t, current.key)!;
  if (current.status === 'pending') {
    // Issue 19: a phase on an outcome branch opens on its outcome, and is skipped on any other.
    const decision = def.when ? branchDecision(state, def.when) : 'open';
    if (decision === 'skip') {
      skipPhase(state, current, now, def.when!);
      return true;
    }
    if (decision === 'undecided') return false;
    if (def.gate) {
      current.status = 'awaiting_gate';
      recordEvent(state, now, 'phase.awaiting_gate', undefined, { phaseKey: current.key });
    } else {
      result.notifications.push(openPhase(state, current, now, undefined));
    }
    return true;
  }
  if (current.status !== 'active') return false;
  let changed = false;
  for (const step of state.steps) {
    if (step.phaseKey !== current.key || step.status !== 'pending') continue;
    const sdef = templateStep(t, step.key)!;
    // A dependency skipped on a branch not taken counts as done (no such status before issue 19).
    const ready = sdef.dependsOn.every((d) => isDone(stepState(state, d)?.status ?? 'pending'));
    if (!ready) continue;
    if (sdef.when) {
      const decision = branchDecision(state, sdef.when);
      if (decision === 'undecided') continue;
      if (decision === 'skip') {
        skipStep(state, step, now, sdef.when);
        changed = true;
        continue;
      }
    }
    step.status = 'active';
    step.activatedAt = at;
    step.assignee = resolveAssignee(t, state, step);
    recordEvent(state, now, 'step.activated', undefined, { stepKey: step.key });
    if (sdef.due) result.needDueDate.push(step.key);
    result.notifications.push({ kind: 'assignment', stepKey: step.key, to: recipientsOf(step) });
    changed = true;
  }
  // Issue 19: recurring steps open their occurrences one after the other.
  let seriesRunning = false;
  for (const sdef of def.steps) {
    if (!sdef.repeat) continue;
    // A series on an outcome branch not taken never starts.
    const decision = sdef.when ? branchDecision(state, sdef.when) : 'open';
    if (decision === 'skip') continue;
    const ready = decision === 'open' && sdef.dependsOn.every((d) => isDone(stepState(state, d)?.status ?? 'pending'));
    const next = ready ? nextOccurrenceDate(sdef, state) : undefined;
    if (!ready || isSeriesRunning(sdef, state)) seriesRunning = true;
    if (!next || !isNextOccurrenceDue(sdef, state, now)) continue;
    const step = openOccurrence(t, state, sdef, current.key, next, now);
    result.needDueDate.push(step.key);
    result.notifications.push({ kind: 'assignment', stepKey: step.key, to: recipientsOf(step) });
    changed = true;
  }
  const phaseSteps = state.steps.filter((s) => s.phaseKey === current.key);
  if (!seriesRunning && phaseSteps.every((s) => isDone(s.status))) {
    current.status = 'completed';
    current.completedAt = at;
    recordEvent(state, now, 'phase.completed', undefined, { phaseKey: current.key });
    changed = true;
  }
  return changed;
}

/** Opens a phase (by the lifecycle, or by a coordinator passing its gate) and tells its people. */
export function openPhase(state: ProgrammeState, phase: PhaseState, now: Date, actor: Actor | undefined): NotificationRequest {
  phase.status = 'active';
  phase.openedAt = now.toISOString();
  if (actor) phase.approvedBy = actor.userId;
  recordEvent(state, now, 'phase.opened', actor, { phaseKey: phase.key });
  return { kind: 'phase_opened', phaseKey: phase.key, to: { coordinator: true, organisations: phase.enrolled.map((e) => e.organisationId) } };
}
