/** Enrolling an organisation in a phase (within its capacity) or into a named slot. */
import type { ProgrammeState } from '../programme-state';
import type { Action } from './action';
import { isAssignedTo, resolveAssignee } from './assignment';
import { checkActive, checkCoordinator, findPhaseOrRefuse } from './guards';
import type { EnrolInput } from './inputs';
import { phaseState, templatePhase } from './lookups';
import type { NotificationRequest } from './notifications';
import { isRefusal, refuse } from './refusal';
import { recordEvent } from './state';

export const enrolOrganisation: Action<EnrolInput, ProgrammeState> = {
  name: 'enrolOrganisation',
  check({ template: t, state }, input) {
    const phase = checkActive(state) ?? checkCoordinator(input.actor, 'enrol an organisation') ?? findPhaseOrRefuse(state, input.phaseKey);
    if (isRefusal(phase)) return phase;
    if (phase.status === 'completed' || phase.status === 'cancelled') return refuse('phase_closed', `Phase "${phase.key}" is ${phase.status}.`, { reason: 'phase_status', phase: templatePhase(t, phase.key)!.name, status: phase.status });
    if (phase.enrolled.some((e) => e.organisationId === input.organisationId)) {
      return refuse('already_enrolled', `This organisation is already enrolled in phase "${phase.key}".`, { reason: 'already_enrolled_phase', phase: templatePhase(t, phase.key)!.name });
    }
    const def = templatePhase(t, phase.key)!;
    if (!def.capacity && !input.slot) return refuse('phase_full', `Phase "${phase.key}" takes no enrolments.`, { reason: 'phase_takes_no_enrolment', phase: def.name });
    if (def.capacity && !input.slot && phase.enrolled.filter((e) => !e.slot).length >= def.capacity.max) {
      return refuse('phase_full', `Phase "${phase.key}" is full: ${def.capacity.max} organisation(s) at most.`, { reason: 'phase_full_capacity', phase: def.name, maximum: def.capacity.max });
    }
    return undefined;
  },
  apply({ template: t, state, now }, input) {
    const phase = phaseState(state, input.phaseKey)!;
    phase.enrolled.push({ organisationId: input.organisationId, at: now.toISOString(), slot: input.slot });
    if (input.slot) state.slots[input.slot] = input.organisationId;
    recordEvent(state, now, 'organisation.enrolled', input.actor, { organisationId: input.organisationId, phaseKey: phase.key, slot: input.slot });
    // Open steps pick up the newcomer: an "eachPartner" step now waits for it too, a slot step gets its assignee.
    const notifications: NotificationRequest[] = [];
    for (const step of state.steps) {
      if (step.status !== 'active' && step.status !== 'pending') continue;
      const before = JSON.stringify(step.assignee);
      if (step.phaseKey === phase.key || step.assignee.kind === 'unassigned') step.assignee = resolveAssignee(t, state, step);
      if (step.status === 'active' && JSON.stringify(step.assignee) !== before && isAssignedTo(step, input.organisationId)) {
        notifications.push({ kind: 'assignment', stepKey: step.key, to: { organisations: [input.organisationId] } });
      }
    }
    return { result: state, notifications };
  },
};
