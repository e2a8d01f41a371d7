/** Deliverables: a file or link added to a step, then accepted or rejected by a coordinator. */
import type { DeliverableState, ProgrammeState } from '../programme-state';
import { isCoordinatorRole } from '../roles';
import type { Action } from './action';
import { isAssignedTo } from './assignment';
import { checkActive, checkCoordinator, findStepOrRefuse } from './guards';
import type { AddDeliverableInput, ReviewDeliverableInput } from './inputs';
import { stepState, templateStep } from './lookups';
import { findModule } from './modules';
import { isRefusal, refuse } from './refusal';
import { recordEvent } from './state';

export const addDeliverable: Action<AddDeliverableInput, DeliverableState> = {
  name: 'addDeliverable',
  check({ template: t, state, now }, input) {
    const step = checkActive(state) ?? findStepOrRefuse(state, input.stepKey);
    if (isRefusal(step)) return step;
    if (step.deliverables.some((d) => d.id === input.deliverable.id)) return undefined; // idempotent retry
    if (step.status !== 'active') return refuse('step_not_active', `Step "${step.key}" is ${step.status}; deliverables go to an active step.`);
    if (!isCoordinatorRole(input.actor.role) && (input.actor.role !== 'partner' || !isAssignedTo(step, input.actor.organisationId))) {
      return refuse('not_assignee', `Step "${step.key}" is not assigned to your organisation.`);
    }
    const sdef = templateStep(t, step.key)!;
    if (sdef.deliverables.length > 0 && !sdef.deliverables.some((d) => d.kind === input.deliverable.kind)) {
      return refuse('unknown_deliverable', `Step "${step.key}" expects deliverables of kind ${sdef.deliverables.map((d) => `"${d.kind}"`).join(', ')}, not "${input.deliverable.kind}".`);
    }
    const module = sdef.module && findModule(sdef.module.name);
    return module?.checkDeliverable?.({ template: t, state, step, config: sdef.module!.config }, input, now);
  },
  apply({ state, now }, input) {
    const step = stepState(state, input.stepKey)!;
    const existing = step.deliverables.find((d) => d.id === input.deliverable.id);
    if (existing) return { result: existing, notifications: [] };
    const organisationId = input.actor.role === 'partner' ? input.actor.organisationId : input.deliverable.organisationId ?? (step.assignee.kind === 'organisation' ? step.assignee.organisationId : undefined);
    const deliverable: DeliverableState = {
      ...input.deliverable,
      organisationId,
      addedBy: input.actor.userId,
      addedAt: now.toISOString(),
      status: 'submitted',
    };
    step.deliverables.push(deliverable);
    recordEvent(state, now, 'deliverable.added', input.actor, { stepKey: step.key, deliverableId: deliverable.id, kind: deliverable.kind, title: deliverable.title });
    return { result: deliverable, notifications: [] };
  },
};

export const reviewDeliverable: Action<ReviewDeliverableInput, ProgrammeState> = {
  name: 'reviewDeliverable',
  check({ state }, input) {
    const step = checkActive(state) ?? checkCoordinator(input.actor, 'accept or reject a deliverable') ?? findStepOrRefuse(state, input.stepKey);
    if (isRefusal(step)) return step;
    const d = step.deliverables.find((x) => x.id === input.deliverableId);
    if (!d) return refuse('unknown_deliverable', `Step "${step.key}" has no deliverable "${input.deliverableId}".`);
    if (d.status !== 'submitted') return refuse('deliverable_already_reviewed', `Deliverable "${d.title}" was already ${d.status}.`);
    return undefined;
  },
  apply({ state, now }, input) {
    const step = stepState(state, input.stepKey)!;
    const d = step.deliverables.find((x) => x.id === input.deliverableId)!;
    d.status = input.decision;
    d.reviewNote = input.note;
    recordEvent(state, now, `deliverable.${input.decision}`, input.actor, { stepKey: step.key, deliverableId: d.id, note: input.note });
    return {
      result: state,
      notifications: [{ kind: input.decision === 'accepted' ? 'deliverable_accepted' : 'deliverable_rejected', stepKey: step.key, to: { organisations: d.organisationId ? [d.organisationId] : [] }, data: { title: d.title, note: input.note } }],
    };
  },
};
