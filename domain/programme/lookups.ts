/** Finding a step or phase in a template or in a programme's state. */
import type { PhaseState, ProgrammeState, StepState } from '../programme-state';
import type { Phase, Step, Template } from '../template-schema';

export function templateStep(t: Template, key: string): Step | undefined {
  for (const p of t.phases) for (const s of p.steps) if (s.key === key) return s;
  return undefined;
}
export function templatePhase(t: Template, key: string): Phase | undefined {
  return t.phases.find((p) => p.key === key);
}
export function stepState(state: Pick<ProgrammeState, 'steps'>, key: string): StepState | undefined {
  return state.steps.find((s) => s.key === key);
}
export function phaseState(state: Pick<ProgrammeState, 'phases'>, key: string): PhaseState | undefined {
  return state.phases.find((p) => p.key === key);
}
