/**
 * Completing a step: by its organisation, by a coordinator on its behalf, or part by part on an
 * "each partner" step (the step completes when every enrolled organisation did its part).
 */
import type { ProgrammeState, StepState } from '../programme-state';
import { isCoordinatorRole } from '../roles';
import type { Action } from './action';
import { isAssignedTo } from './assignment';
import { checkOutcome } from './branches';
import { checkActive, findStepOrRefuse } from './guards';
import type { CompleteStepInput } from './inputs';
import { stepState, templateStep } from './lookups';
import { findModule } from './modules';
import type { NotificationRequest } from './notifications';
import { isRefusal, refuse } from './refusal';
import { recordEvent } from './state';

export const completeStep: Action<CompleteStepInput, ProgrammeState> = {
  name: 'completeStep',
  check({ template: t, state, now }, input) {
    const step = checkActive(state) ?? findStepOrRefuse(state, input.stepKey);
    if (isRefusal(step)) return step;
    if (step.status !== 'active') return refuse('step_not_active', `Step "${step.key}" is ${step.status}, not active.`, { reason: 'step_status', step: templateStep(t, step.key)!.name, status: step.status });
    const actor = input.actor;
    const partOf = partOrganisation(step, input);
    if (!isCoordinatorRole(actor.role)) {
      if (actor.role !== 'partner' || !isAssignedTo(step, actor.organisationId)) {
        return refuse('not_assignee', `Step "${step.key}" is not assigned to your organisation.`);
      }
    }
    if (step.assignee.kind === 'eachPartner') {
      // A coordinator completing without naming an organisation closes the step for everyone.
      if (partOf !== undefined) {
        if (!step.assignee.organisationIds.includes(partOf)) return refuse('not_assignee', `Organisation is not enrolled for step "${step.key}".`);
        if (step.parts[partOf]) return refuse('part_already_completed', `This organisation already completed step "${step.key}".`);
      }
    }
    const sdef = templateStep(t, step.key)!;
    for (const req of sdef.deliverables) {
      const mine = step.deliverables.filter((d) => d.kind === req.kind && d.status !== 'rejected' && (partOf === undefined || d.organisationId === partOf));
      if (mine.length < req.min) {
        return refuse('deliverable_missing', `Step "${step.key}" needs ${req.min} deliverable(s) of kind "${req.kind}" (${req.label.en}); ${mine.length} given.`, { reason: 'deliverable_count', deliverable: req.label, minimum: req.min, given: mine.length });
      }
      if (req.acceptance && mine.filter((d) => d.status === 'accepted').length < req.min) {
        return refuse('deliverable_not_accepted', `Deliverable "${req.kind}" of step "${step.key}" must be accepted by a coordinator first.`, { reason: 'deliverable_acceptance', deliverable: req.label });
      }
    }
    if (input.deliverableIds) {
      const unknown = input.deliverableIds.find((id) => !step.deliverables.some((d) => d.id === id));
      if (unknown) return refuse('unknown_deliverable', `Deliverable "${unknown}" does not belong to step "${step.key}".`);
    }
    if (sdef.indicator && (state.indicators[sdef.indicator.key] ?? 0) < sdef.indicator.atLeast) {
      const indicator = t.indicators.find((i) => i.key === sdef.indicator!.key);
      return refuse('indicator_below_target', `Step "${step.key}" needs indicator "${sdef.indicator.key}" at ${sdef.indicator.atLeast} or more (now ${state.indicators[sdef.indicator.key] ?? 0}).`, { reason: 'indicator_threshold', ...(indicator ? { indicator: indicator.name } : {}), minimum: sdef.indicator.atLeast, actual: state.indicators[sdef.indicator.key] ?? 0 });
    }
    const outcome = checkOutcome(t, step, input.outcome);
    if (outcome) return outcome;
    const module = sdef.module && findModule(sdef.module.name);
    return module?.checkCompletion?.({ template: t, state, step, config: sdef.module!.config }, input, now);
  },
  apply({ template: t, state, now }, input) {
    const step = stepState(state, input.stepKey)!;
    const at = now.toISOString();
    const onBehalfOf = input.actor.role === 'partner' ? undefined : assigneeLabel(step, input);
    const sdef = templateStep(t, step.key)!;
    const notifications: NotificationRequest[] = [];
    const partOf = partOrganisation(step, input);
    if (partOf) {
      step.parts[partOf] = { at, by: input.actor.userId, note: input.note };
      recordEvent(state, now, 'step.part_completed', input.actor, { stepKey: step.key, organisationId: partOf, note: input.note }, onBehalfOf);
      if (step.assignee.kind === 'eachPartner' && !step.assignee.organisationIds.every((o) => step.parts[o])) return { result: state, notifications };
    }
    if (sdef.module) {
      const module = findModule(sdef.module.name);
      notifications.push(...(module?.onCompleted?.({ template: t, state, step, config: sdef.module.config }, input, now) ?? []));
    }
    step.status = 'completed';
    step.completedAt = at;
    step.completedBy = input.actor.userId;
    step.onBehalfOf = onBehalfOf;
    step.note = input.note;
    step.late = false;
    if (input.data !== undefined) step.data = input.data;
    if (input.outcome !== undefined) step.outcome = input.outcome;
    if (sdef.milestone) state.milestones.push({ key: step.key, at });
    recordEvent(state, now, 'step.completed', input.actor, { stepKey: step.key, note: input.note, deliverableIds: input.deliverableIds, ...(input.outcome !== undefined ? { outcome: input.outcome } : {}) }, onBehalfOf);
    return { result: state, notifications };
  },
};

/** On an "each partner" step, whose part this completion is: the partner's own, or the one a coordinator names. */
function partOrganisation(step: StepState, input: CompleteStepInput): string | undefined {
  if (step.assignee.kind !== 'eachPartner') return undefined;
  return input.actor.role === 'partner' ? input.actor.organisationId : input.organisationId;
}

/** The organisation a coordinator completes for (journal's "on behalf of"). */
function assigneeLabel(step: StepState, input: CompleteStepInput): string | undefined {
  if (step.assignee.kind === 'organisation') return step.assignee.organisationId;
  if (step.assignee.kind === 'eachPartner') return input.organisationId;
  return undefined;
}
