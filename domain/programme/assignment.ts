/** Who does a step: resolved from its template rule and the programme's enrolments and slots. */
import type { ProgrammeState, StepAssignee, StepState } from '../programme-state';
import type { Template } from '../template-schema';
import { phaseState, templateStep } from './lookups';

/** Who a step is assigned to, from its rule and the programme's enrolments and slots. */
export function resolveAssignee(t: Template, state: ProgrammeState, step: StepState): StepAssignee {
  const rule = templateStep(t, step.key)!.assignee;
  if (rule.kind === 'coordinator') return { kind: 'coordinator' };
  if (rule.kind === 'slot') {
    const org = state.slots[rule.slot];
    return org ? { kind: 'organisation', organisationId: org, slot: rule.slot } : { kind: 'unassigned', slot: rule.slot };
  }
  const phase = phaseState(state, step.phaseKey)!;
  return { kind: 'eachPartner', organisationIds: phase.enrolled.map((e) => e.organisationId) };
}

/** The step is the organisation's to do: assigned to it, or one of the organisations of an "each partner" step. */
export function isAssignedTo(step: Pick<StepState, 'assignee'>, organisationId: string | null | undefined): boolean {
  if (!organisationId) return false;
  const a = step.assignee;
  if (a.kind === 'organisation') return a.organisationId === organisationId;
  if (a.kind === 'eachPartner') return a.organisationIds.includes(organisationId);
  return false;
}

/** Re-resolves the assignee of every open step (after a slot is filled or an organisation enrolled). */
export function reassignOpenSteps(t: Template, state: ProgrammeState): void {
  for (const step of state.steps) {
    if (step.status === 'pending' || step.status === 'active') step.assignee = resolveAssignee(t, state, step);
  }
}
