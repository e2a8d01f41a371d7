import type { ProblemParams } from '../problem-codes';

/**
 * Why the lifecycle refuses an action. The workflow raises these as ApplicationFailure
 * types; server/errors.ts maps each code to one HTTP status.
 */
export const REFUSAL_CODES = [
  'programme_not_active',
  'unknown_step',
  'unknown_phase',
  'unknown_deliverable',
  'unknown_child',
  'unknown_indicator',
  'step_not_active',
  'part_already_completed',
  'not_assignee',
  'deliverable_missing',
  'deliverable_not_accepted',
  'deliverable_already_reviewed',
  'indicator_below_target',
  'phase_full',
  'phase_closed',
  'already_enrolled',
  'gate_not_pending',
  'gate_children_pending',
  'gate_capacity_below_minimum',
  'invalid_due_date',
  'due_date_in_past',
  'not_paused',
  'already_paused',
  'too_few_providers',
  'bid_after_deadline',
  'invalid_assessment',
  'invalid_award',
  'not_allowed',
  'history_invalid',
  'invalid_outcome',
  'upgrade_refused',
  'invalid_indicator_entry',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export interface Refusal {
  /** The discriminant: a refusal is told from any other value by this field alone. */
  kind: 'refusal';
  code: RefusalCode;
  /** English, for logs and developers. */
  message: string;
  /** What a screen needs to say it in French: a `reason` and its values (domain/problem-codes.ts). */
  params?: ProblemParams;
}

export function refuse(code: RefusalCode, message: string, params?: ProblemParams): Refusal {
  return params ? { kind: 'refusal', code, message, params } : { kind: 'refusal', code, message };
}

export function isRefusal(x: unknown): x is Refusal {
  return typeof x === 'object' && x !== null && (x as { kind?: unknown }).kind === 'refusal';
}
