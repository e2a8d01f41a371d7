/** Phase gates: a coordinator opens a gated phase once its sub-programmes and enrolments allow it. */
import type { ProgrammeState } from '../programme-state';
import type { Action } from './action';
import { openPhase } from './advance';
import { checkActive, checkCoordinator, findPhaseOrRefuse } from './guards';
import type { ApprovePhaseInput } from './inputs';
import { phaseState, templatePhase } from './lookups';
import { isRefusal, refuse } from './refusal';

export const approvePhase: Action<ApprovePhaseInput, ProgrammeState> = {
  name: 'approvePhase',
  check({ template: t, state }, input) {
    const phase = checkActive(state) ?? checkCoordinator(input.actor, 'approve a phase gate') ?? findPhaseOrRefuse(state, input.phaseKey);
    if (isRefusal(phase)) return phase;
    if (phase.status !== 'awaiting_gate') {
      const why = phase.approvedBy ? 'its gate was already approved' : phase.status === 'pending' ? 'the previous phase is not finished' : `it is ${phase.status}`;
      return refuse('gate_not_pending', `Phase "${phase.key}" cannot be approved: ${why}.`);
    }
    const def = templatePhase(t, phase.key)!;
    for (const req of def.gate?.requiresChildren ?? []) {
      const child = state.children.find((c) => c.childKey === req.child);
      const met = child && (req.milestone ? child.milestones.includes(req.milestone) : child.status === 'completed');
      if (!met) {
        const childDef = t.children.find((c) => c.key === req.child);
        return refuse('gate_children_pending', `Phase "${phase.key}" needs sub-programme "${req.child}" ${req.milestone ? `to reach "${req.milestone}"` : 'to be completed'} first.`, { reason: 'gate_child_pending', phase: def.name, ...(childDef ? { child: childDef.title } : {}) });
      }
    }
    if (def.capacity && phase.enrolled.length < def.capacity.min) {
      return refuse('gate_capacity_below_minimum', `Phase "${phase.key}" needs at least ${def.capacity.min} enrolled organisation(s); ${phase.enrolled.length} enrolled.`, { reason: 'gate_capacity_minimum', phase: def.name, minimum: def.capacity.min, enrolled: phase.enrolled.length });
    }
    return undefined;
  },
  apply({ state, now }, input) {
    const phase = phaseState(state, input.phaseKey)!;
    return { result: state, notifications: [openPhase(state, phase, now, input.actor)] };
  },
};
