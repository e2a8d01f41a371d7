import type { ProgrammeStatus, StepAssignee, StepState } from '../domain/programme-state';
import type { PrismaClient } from '../generated/prisma/client';
import { isAssignedTo } from '../domain/programme/assignment';
import { templateStepKey } from '../domain/step-row-key';

/** Notifications about a deadline: queued ahead of time, so checked again when they are sent. */
export const REMINDER_KINDS: ReadonlySet<string> = new Set(['reminder_before_due', 'due_today', 'overdue', 'escalation']);

/** Why a queued reminder is no longer worth sending; recorded on its row (status `skipped`). */
export type ReminderDropReason = 'step_completed' | 'step_cancelled' | 'programme_paused' | 'programme_closed' | 'step_reassigned' | 'due_date_changed' | 'step_unknown';

export interface ReminderRef {
  kind: string;
  programmeId: string;
  stepKey?: string;
  recipient: { userId?: string };
  data: Record<string, unknown>;
}

interface ReadModelStep {
  status: StepState['status'];
  dueAt: string | null;
  assignee: StepAssignee | null;
  parts: Record<string, unknown> | null;
}

/** The row's error text for a dropped reminder: the reason code, read by people and by the UI. */
export function droppedReminderNote(reason: ReminderDropReason): string {
  return `reminder_dropped:${reason}`;
}

/**
 * Reads the programme's step from the read model and says why the reminder must not go out, or
 * undefined when it still should: the step was done or cancelled, the programme paused or closed,
 * the recipient's organisation no longer holds the step, or the due date changed since it was
 * queued. A programme not projected yet gives undefined (the caller waits for it as before).
 */
export async function findReminderDropReason(prisma: PrismaClient, ref: ReminderRef): Promise<ReminderDropReason | undefined> {
  if (!REMINDER_KINDS.has(ref.kind) || !ref.stepKey) return undefined;
  const stepKey = templateStepKey(ref.stepKey);
  const rows = await prisma.$queryRaw<{ status: string; step: ReadModelStep | null }[]>`
    SELECT p.state->>'status' AS status,
           (SELECT jsonb_build_object('status', s->'status', 'dueAt', s->'dueAt', 'assignee', s->'assignee', 'parts', s->'parts') FROM jsonb_array_elements(p.state->'steps') s WHERE s->>'key' = ${stepKey} LIMIT 1) AS step
    FROM programmes p WHERE p.id = ${ref.programmeId}`;
  const row = rows[0];
  if (!row) return undefined;
  const status = row.status as ProgrammeStatus;
  const step = row.step;
  if (!step) return 'step_unknown';
  if (step.status === 'completed') return 'step_completed';
  if (step.status === 'cancelled') return 'step_cancelled';
  if (status === 'paused') return 'programme_paused';
  if (status === 'completed' || status === 'cancelled') return 'programme_closed';
  const queuedFor = typeof ref.data.dueAt === 'string' ? ref.data.dueAt : undefined;
  if (queuedFor && step.dueAt && Date.parse(step.dueAt) !== Date.parse(queuedFor)) return 'due_date_changed';
  // The escalation goes to the coordinator; the others to the organisations holding the step.
  if (ref.kind !== 'escalation' && ref.recipient.userId) {
    const user = await prisma.user.findUnique({ where: { id: ref.recipient.userId }, select: { organisationId: true, role: true } });
    const org = user?.role === 'partner' ? user.organisationId : null;
    if (org) {
      if (!step.assignee || !isAssignedTo({ assignee: step.assignee }, org)) return 'step_reassigned';
      if (step.assignee.kind === 'eachPartner' && step.parts?.[org]) return 'step_completed';
    }
  }
  return undefined;
}
