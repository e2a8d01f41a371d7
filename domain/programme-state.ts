import { z } from 'zod';
import type { PlannedReminder } from './deadlines';
import type { IndicatorEntry } from './indicator-periods';

/** The programme state a workflow holds, projects to PostgreSQL and answers queries with. */

export type ProgrammeStatus = 'active' | 'paused' | 'completed' | 'cancelled';
/** `skipped` (issue 19): on an outcome branch not taken, "sans objet": never late, never reminded. */
export type PhaseStatus = 'pending' | 'awaiting_gate' | 'active' | 'completed' | 'cancelled' | 'skipped';
export type StepStatus = 'pending' | 'active' | 'completed' | 'cancelled' | 'skipped';

export const ZActor = z.object({
  userId: z.string().min(1),
  role: z.enum(['admin', 'coordinator', 'manager', 'partner']),
  organisationId: z.string().min(1).optional(),
});
export type Actor = z.infer<typeof ZActor>;

export type StepAssignee =
  | { kind: 'coordinator' }
  | { kind: 'organisation'; organisationId: string; slot?: string }
  | { kind: 'unassigned'; slot: string }
  | { kind: 'eachPartner'; organisationIds: string[] };

export interface DeliverableState {
  id: string;
  kind: string;
  title: string;
  url?: string;
  file?: { name: string; size: number; sha256: string; mediaType: string; storageKey: string };
  organisationId?: string;
  addedBy: string;
  addedAt: string;
  status: 'submitted' | 'accepted' | 'rejected';
  reviewNote?: string;
}

export interface StepState {
  key: string;
  phaseKey: string;
  position: number;
  status: StepStatus;
  assignee: StepAssignee;
  dueAt?: string;
  /** When the current due date was set: reminders planned before it are skipped. */
  dueSetAt?: string;
  late: boolean;
  activatedAt?: string;
  completedAt?: string;
  completedBy?: string;
  onBehalfOf?: string;
  note?: string;
  parts: Record<string, { at: string; by: string; note?: string }>;
  deliverables: DeliverableState[];
  remindersSent: string[];
  /** Day-based reminder moments on working days, planned by an activity for the current due date. */
  reminderPlan?: { dueAt: string; reminders: PlannedReminder[] };
  data?: unknown;
  /** The outcome recorded on completion, one of the template step's `outcomes` (issue 19). */
  outcome?: string;
  /** One occurrence of a recurring step (issue 19): its number from 1 and its scheduled date (YYYY-MM-DD, or an instant for second-scale test schedules). */
  occurrence?: { n: number; on: string };
}

export interface PhaseState {
  key: string;
  status: PhaseStatus;
  openedAt?: string;
  completedAt?: string;
  approvedBy?: string;
  enrolled: { organisationId: string; at: string; slot?: string }[];
}

export interface ChildState {
  childKey: string;
  programmeId: string;
  templateKey: string;
  title: string;
  status: ProgrammeStatus;
  milestones: string[];
}

export interface AuditEvent {
  seq: number;
  type: string;
  at: string;
  actorId?: string;
  onBehalfOf?: string;
  data: Record<string, unknown>;
}

/**
 * What a lifecycle Update answers (issue 21): the programme and its state's version once settled
 * and projected; the API reads the state itself from the read model, so the whole state no longer
 * travels through Temporal and into history with every action. Runs on older code answered the
 * whole `ProgrammeState`, which has these two fields too.
 */
export interface ProgrammeAnswer {
  programmeId: string;
  version: number;
}

export interface ProgrammeState {
  programmeId: string;
  title: string;
  templateKey: string;
  templateVersion: number;
  status: ProgrammeStatus;
  cancelReason?: string;
  /** When the programme was paused (cleared on resume): due dates move by the paused duration. */
  pausedAt?: string;
  startDate: string;
  startedAt: string;
  coordinatorId?: string;
  parentId?: string;
  dates: Record<string, string>;
  slots: Record<string, string>;
  phases: PhaseState[];
  steps: StepState[];
  children: ChildState[];
  indicators: Record<string, number>;
  /** Issue 19: entries of periodic indicators by indicator key, oldest first (corrections are later entries; domain/indicator-periods.ts). */
  indicatorEntries?: Record<string, IndicatorEntry[]>;
  /** Reached milestones (milestone steps completed, module milestones such as "awarded"). */
  milestones: { key: string; at: string }[];
  moduleState: Record<string, unknown>;
  /** Set when the programme's past was entered as history at its start (domain/backfill.ts). */
  backfill?: { enteredBy: string; enteredAt: string; facts: number };
  /** Bumped on every change; the projection ignores anything older than what it holds. */
  version: number;
  eventSeq: number;
  /** Audit events not yet written to PostgreSQL. */
  pendingEvents: AuditEvent[];
}
