/**
 * Outcome branches (issue 19): a step lists outcomes (retained, not retained…) and records one
 * when completed; a later phase or step declaring `when: { step, outcome }` opens only on that
 * outcome and is skipped otherwise ("sans objet": never late, never reminded, counts as done).
 */
import type { PhaseState, ProgrammeState, StepState } from '../programme-state';
import type { BranchCondition, Template } from '../template-schema';
import { stepState, templateStep } from './lookups';
import { refuse, type Refusal } from './refusal';
import { recordEvent } from './state';

/** Whether a branch condition is decided yet, and how: the step it names is done (completed or itself skipped). */
export function branchDecision(state: ProgrammeState, when: BranchCondition): 'open' | 'skip' | 'undecided' {
  const step = stepState(state, when.step);
  if (!step || step.status === 'skipped' || step.status === 'cancelled') return 'skip';
  if (step.status !== 'completed') return 'undecided';
  return step.outcome === when.outcome ? 'open' : 'skip';
}

/** A step or phase that no longer needs doing: completed, or skipped on a branch not taken. */
export function isDone(status: StepState['status'] | PhaseState['status']): boolean {
  return status === 'completed' || status === 'skipped';
}

export function skipStep(state: ProgrammeState, step: StepState, now: Date, when: BranchCondition): void {
  step.status = 'skipped';
  step.late = false;
  recordEvent(state, now, 'step.skipped', undefined, { stepKey: step.key, branchStep: when.step, branchOutcome: when.outcome });
}

/** Skips a phase and every step in it. */
export function skipPhase(state: ProgrammeState, phase: PhaseState, now: Date, when: BranchCondition): void {
  phase.status = 'skipped';
  phase.completedAt = now.toISOString();
  for (const step of state.steps) if (step.phaseKey === phase.key && step.status === 'pending') step.status = 'skipped';
  recordEvent(state, now, 'phase.skipped', undefined, { phaseKey: phase.key, branchStep: when.step, branchOutcome: when.outcome });
}

/**
 * The outcome given on completion: required on a step that lists outcomes, one of them; refused on
 * any other step. Runs in the completeStep Update's check (validator and handler).
 */
export function checkOutcome(t: Template, step: StepState, outcome: string | undefined): Refusal | undefined {
  const def = templateStep(t, step.key)!;
  const listed = def.outcomes;
  if (!listed?.length) {
    return outcome === undefined ? undefined : refuse('invalid_outcome', `Step "${step.key}" records no outcome.`, { reason: 'outcome_not_listed', step: def.name });
  }
  if (outcome === undefined) return refuse('invalid_outcome', `Step "${step.key}" needs an outcome: one of ${listed.join(', ')}.`, { reason: 'outcome_required', step: def.name });
  if (!listed.includes(outcome)) return refuse('invalid_outcome', `Step "${step.key}" has no outcome "${outcome}" (one of ${listed.join(', ')}).`, { reason: 'outcome_not_listed', step: def.name });
  return undefined;
}
