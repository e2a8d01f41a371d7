/**
 * What each lifecycle action receives: the payload of its Update (workflows/programme.ts) and of
 * its pure `check`/`apply` pair here. The API builds these from its validated requests.
 */
import type { Actor, DeliverableState, ProgrammeStatus } from '../programme-state';
import type { Template } from '../template-schema';

export interface ProgrammeStartInput {
  programmeId: string;
  title: string;
  template: Template;
  startDate: string;
  coordinatorId?: string;
  parentId?: string;
  dates?: Record<string, string>;
  slots?: Record<string, string>;
}

export interface CompleteStepInput {
  actor: Actor;
  stepKey: string;
  note?: string;
  deliverableIds?: string[];
  /** For an "eachPartner" step completed by a coordinator: which organisation's part. */
  organisationId?: string;
  /** Module-specific payload (tender providers, scores, award…). */
  data?: unknown;
  /** The outcome recorded, required on a step that lists outcomes (issue 19). */
  outcome?: string;
}

export interface AddDeliverableInput {
  actor: Actor;
  stepKey: string;
  deliverable: Omit<DeliverableState, 'addedBy' | 'addedAt' | 'status' | 'organisationId' | 'reviewNote'> & { organisationId?: string };
}

export interface ReviewDeliverableInput {
  actor: Actor;
  stepKey: string;
  deliverableId: string;
  decision: 'accepted' | 'rejected';
  note?: string;
}

export interface ApprovePhaseInput {
  actor: Actor;
  phaseKey: string;
}

export interface EnrolInput {
  actor: Actor;
  organisationId: string;
  phaseKey: string;
  slot?: string;
}

export interface ChangeStepInput {
  actor: Actor;
  stepKey: string;
  /** New due instant (ISO); the API turns a YYYY-MM-DD into the end of that day in Paris. */
  dueAt?: string;
  assigneeOrganisationId?: string;
  reason?: string;
}

export interface CancelInput {
  actor: Actor;
  reason: string;
}

export interface PauseInput {
  actor: Actor;
}

export interface ResumeInput {
  actor: Actor;
  /** Do not move the due dates by the paused duration (the default moves them). */
  keepDueDates?: boolean;
}

export interface RecordIndicatorInput {
  actor: Actor;
  key: string;
  /** Adds to the current value (e.g. +3 interviews); `value` replaces it. */
  increment?: number;
  value?: number;
  /** A periodic indicator's period (`2026-03`, `2026-Q1`, `2026`): the entry is for that period. */
  period?: string;
  /** A periodic indicator's dimension values, e.g. { site: 'gresilles' }: one for each of its dimensions. */
  dimensions?: Record<string, string>;
}

export interface OpenChildInput {
  actor: Actor;
  childKey: string;
  title: string;
}

/** What a sub-programme reports to its parent (childProgressSignal). */
export interface ChildProgress {
  programmeId: string;
  status: ProgrammeStatus;
  milestones: string[];
  /** Absent in signals recorded before slots were reported. */
  slots?: Record<string, string>;
}
