/** A coordinator changes a step: extends (or brings forward) its due date, or reassigns it. */
import type { ProgrammeState } from '../programme-state';
import type { Action } from './action';
import { setDueDate } from './due-dates';
import { checkActive, checkCoordinator, findStepOrRefuse } from './guards';
import type { ChangeStepInput } from './inputs';
import { stepState } from './lookups';
import type { NotificationRequest } from './notifications';
import { isRefusal, refuse } from './refusal';
import { recordEvent } from './state';

export const changeStep: Action<ChangeStepInput, ProgrammeState> = {
  name: 'changeStep',
  check({ state }, input) {
    const step = checkActive(state) ?? checkCoordinator(input.actor, 'change a due date or an assignee') ?? findStepOrRefuse(state, input.stepKey);
    if (isRefusal(step)) return step;
    if (step.status === 'completed' || step.status === 'cancelled') return refuse('step_not_active', `Step "${step.key}" is ${step.status}.`);
    if (input.dueAt !== undefined && Number.isNaN(Date.parse(input.dueAt))) return refuse('invalid_due_date', 'The due date is not a valid date.');
    if (input.assigneeOrganisationId !== undefined && step.assignee.kind === 'eachPartner') {
      return refuse('not_allowed', `Step "${step.key}" is done by each enrolled organisation; enrol organisations instead of reassigning.`, { reason: 'each_partner_not_reassigned' });
    }
    return undefined;
  },
  /** A new due date must lie in the future; histories that accepted a past date still replay (validators do not run on replay). */
  validate({ now }, input) {
    if (input.dueAt !== undefined && Date.parse(input.dueAt) <= now.getTime()) {
      return refuse('due_date_in_past', `The new due date (${input.dueAt}) is already past; give a date to come.`, { reason: 'due_date_past', dueAt: input.dueAt });
    }
    return undefined;
  },
  apply({ state, now }, input) {
    const step = stepState(state, input.stepKey)!;
    const notifications: NotificationRequest[] = [];
    if (input.dueAt !== undefined) {
      const previous = step.dueAt;
      const late = setDueDate(state, step.key, new Date(input.dueAt).toISOString(), now);
      recordEvent(state, now, 'step.due_changed', input.actor, { stepKey: step.key, from: previous, to: step.dueAt, reason: input.reason });
      if (late) recordEvent(state, now, 'step.overdue', undefined, { stepKey: step.key });
    }
    if (input.assigneeOrganisationId !== undefined) {
      const previous = step.assignee;
      const slot = previous.kind === 'organisation' || previous.kind === 'unassigned' ? previous.slot : undefined;
      step.assignee = { kind: 'organisation', organisationId: input.assigneeOrganisationId, slot };
      if (slot) state.slots[slot] = input.assigneeOrganisationId;
      recordEvent(state, now, 'step.reassigned', input.actor, { stepKey: step.key, organisationId: input.assigneeOrganisationId, reason: input.reason });
      if (step.status === 'active') notifications.push({ kind: 'assignment', stepKey: step.key, to: { organisations: [input.assigneeOrganisationId] } });
    }
    return { result: state, notifications };
  },
};
