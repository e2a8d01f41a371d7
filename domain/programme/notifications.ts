/** What a change asks the notifier to send, and to whom a step's messages go. */
import type { StepState } from '../programme-state';

/** A message to send because of a change; the notifier resolves recipients and texts. */
export interface NotificationRequest {
  kind: string;
  stepKey?: string;
  phaseKey?: string;
  to: { coordinator?: boolean; organisations?: string[] };
  data?: Record<string, unknown>;
}

/** A step's messages go to its organisation(s) (those whose part is still open), else the coordinator. */
export function recipientsOf(step: StepState): NotificationRequest['to'] {
  const a = step.assignee;
  if (a.kind === 'organisation') return { organisations: [a.organisationId] };
  if (a.kind === 'eachPartner') return { organisations: a.organisationIds.filter((o) => !step.parts[o]) };
  return { coordinator: true };
}
