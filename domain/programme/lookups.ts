/** Finding a step or phase in a template or in a programme's state. */
import type { PhaseState, ProgrammeState, StepState } from '../programme-state';
import { definitionKey } from '../step-row-key';
import type { Phase, Step, Template } from '../template-schema';

/** The template's definition of a step, of one of its occurrences (`step~n`) or of one of its rows. */
export function templateStep(t: Template, key: string): Step | undefined {
  const def = definitionKey(key);
  for (const p of t.phases) for (const s of p.steps) if (s.key === def) return s;
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
