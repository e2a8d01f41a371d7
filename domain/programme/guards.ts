/** Checks several actions share: an active programme, a coordinator, a known step. */
import type { Actor, PhaseState, ProgrammeState, StepState } from '../programme-state';
import { isCoordinatorRole } from '../roles';
import { phaseState, stepState } from './lookups';
import { refuse, type Refusal } from './refusal';

export function checkActive(state: ProgrammeState): Refusal | undefined {
  if (state.status !== 'active') {
    return refuse('programme_not_active', `The programme is ${state.status}; this action needs an active programme.`, { reason: 'programme_status', status: state.status });
  }
  return undefined;
}

export function checkCoordinator(actor: Actor, what: string): Refusal | undefined {
  if (!isCoordinatorRole(actor.role)) return refuse('not_allowed', `Only a coordinator may ${what}.`, { reason: 'coordinator_only' });
  return undefined;
}

export function findStepOrRefuse(state: ProgrammeState, key: string): StepState | Refusal {
  return stepState(state, key) ?? refuse('unknown_step', `This programme has no step "${key}".`);
}

export function findPhaseOrRefuse(state: ProgrammeState, key: string): PhaseState | Refusal {
  return phaseState(state, key) ?? refuse('unknown_phase', `This programme has no phase "${key}".`);
}
