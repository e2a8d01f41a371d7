/**
 * The words of refusals, as codes: every API problem carries a `code` (server/errors.ts), and,
 * when the code alone does not say everything, `params` with a `reason` and the values its
 * sentence needs; every field problem carries a code and values too. Screens say them in
 * French (or English) from their catalogues (web/src/i18n: errors.codes, errors.reasons,
 * editor.problem); the English `detail`/`message` stay for logs and developers.
 *
 * Param values: numbers, plain text, ISO instants (a name ending in `At`, shown in Paris time),
 * or a name given by the template ({ fr, en? }, shown in the reader's language).
 */
import { TEMPLATE_PROBLEM_CODES } from './template-problems';

export const PROBLEM_REASONS = [
  // Uploads (server/uploads.ts, server/storage.ts).
  'file_too_large',
  'file_empty',
  'file_missing',
  'extension_not_accepted',
  'extension_missing',
  'declared_type_mismatch',
  'content_mismatch',
  // Lifecycle refusals (workflows: engine and modules).
  'programme_status',
  'step_status',
  'phase_full_capacity',
  'phase_takes_no_enrolment',
  'phase_status',
  'already_enrolled_phase',
  'gate_capacity_minimum',
  'gate_child_pending',
  'deliverable_count',
  'deliverable_acceptance',
  'indicator_threshold',
  'due_date_past',
  'providers_minimum',
  'answers_due',
  'answers_collected_until',
  'assessment_scores_missing',
  'assessment_no_answer',
  'assessment_bidder_unscored',
  'assessment_score_range',
  'assessment_not_bidders',
  'award_winner_missing',
  'award_winner_not_ranked',
  'coordinator_only',
  'managers_read_only',
  'each_partner_not_reassigned',
  'child_already_started',
  'outcome_required',
  'outcome_not_listed',
  // Periodic indicators (domain/programme/indicators.ts).
  'indicator_period_required',
  'indicator_not_periodic',
  'indicator_period_format',
  'indicator_period_future',
  'indicator_dimensions_mismatch',
  'indicator_recorded_by_role',
  // Upgrading a running programme to a newer template version (domain/programme/upgrade-plan.ts).
  'upgrade_template_key_changed',
  'upgrade_version_not_newer',
  'upgrade_phase_removed_started',
  'upgrade_phase_order',
  'upgrade_step_moved_started',
  'upgrade_step_done_removed',
  'upgrade_step_deliverables_removed',
  'upgrade_capacity_below_enrolments',
  'upgrade_child_removed',
  // Other refusals of the API.
  'organisation_name_taken',
  'email_taken',
  'own_account',
  'notification_not_failed',
  'notification_not_rebuildable',
  'template_published_meanwhile',
  'programme_closed',
  'import_too_large',
  'json_body_too_large',
  'json_body_malformed',
  'json_required',
  'import_file_type',
] as const;
export type ProblemReason = (typeof PROBLEM_REASONS)[number];

/** A name the template gives (a phase, a step, a role): shown in the reader's language. */
export interface ProblemName {
  fr: string;
  en?: string;
}
export type ProblemParam = string | number | ProblemName;
export type ProblemParams = { reason?: ProblemReason } & { [name: string]: ProblemParam | undefined };

/** Codes of one field's problem: the template editor's (domain/template-problems.ts), then the API's own. */
export const FIELD_PROBLEM_CODES = [
  ...TEMPLATE_PROBLEM_CODES,
  'unsafe_text',
  'unknown_organisation',
  'unknown_template',
  'unknown_user',
  'not_a_coordinator',
  'required_date',
  'unreadable_xlsx',
  'period_reversed',
  'import_line',
  /** A fact of a programme's history (domain/backfill.ts) that cannot be taken; `text` is its French sentence. */
  'history_fact',
  'length_between',
] as const;
export type FieldProblemCode = (typeof FIELD_PROBLEM_CODES)[number];
