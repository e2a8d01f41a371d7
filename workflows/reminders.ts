/**
 * When to remind, as a pure function of a step's due date and the reminder policy.
 * Each reminder has a key that embeds the due date, so moving the due date plans a new
 * series and the old one simply never comes due; the key doubles as the BullMQ job id.
 */
import type { ReminderPolicy, Template } from '../domain/template-schema';
import type { ProgrammeState, StepState } from '../domain/programme-state';
import { templateStep } from './programme-engine';

export type ReminderKind = 'reminder_before_due' | 'due_today' | 'overdue' | 'escalation';

export interface PlannedReminder {
  key: string;
  stepKey: string;
  kind: ReminderKind;
  at: number;
  dueAt: string;
}

/** Overdue reminders stop after this many; escalation has already told the coordinator. */
const MAX_OVERDUE_REMINDERS = 10;

export function policyFor(t: Template, stepKey: string): ReminderPolicy {
  return templateStep(t, stepKey)?.reminders ?? t.reminders;
}

export function planReminders(programmeId: string, step: StepState, policy: ReminderPolicy): PlannedReminder[] {
  if (step.status !== 'active' || !step.dueAt) return [];
  const due = Date.parse(step.dueAt);
  const unitMs = policy.unit === 'seconds' ? 1000 : 86_400_000;
  const setAt = step.dueSetAt ? Date.parse(step.dueSetAt) : 0;
  const key = (kind: string) => `${programmeId}:${step.key}:${kind}:${step.dueAt}`;
  const plan: PlannedReminder[] = [];
  for (const before of policy.beforeDue) {
    plan.push({ key: key(`before-${before}`), stepKey: step.key, kind: 'reminder_before_due', at: due - before * unitMs, dueAt: step.dueAt });
  }
  if (policy.onDue) plan.push({ key: key('due'), stepKey: step.key, kind: 'due_today', at: due, dueAt: step.dueAt });
  if (policy.overdueEvery) {
    for (let n = 1; n <= MAX_OVERDUE_REMINDERS; n++) {
      const at = due + n * policy.overdueEvery * unitMs;
      plan.push({ key: key(`overdue-${n}`), stepKey: step.key, kind: 'overdue', at, dueAt: step.dueAt });
      if (policy.escalateAfter === n) {
        plan.push({ key: key('escalation'), stepKey: step.key, kind: 'escalation', at, dueAt: step.dueAt });
      }
    }
  }
  // A reminder whose moment passed before the due date was set would only be noise.
  return plan.filter((r) => r.at >= setAt && !step.remindersSent.includes(r.key)).sort((a, b) => a.at - b.at);
}

export function pendingReminders(t: Template, state: ProgrammeState): PlannedReminder[] {
  if (state.status !== 'active') return [];
  return state.steps
    .flatMap((s) => planReminders(state.programmeId, s, policyFor(t, s.key)))
    .sort((a, b) => a.at - b.at);
}

/** The next moment the workflow must wake up: a reminder or a step falling overdue. */
export function nextWakeAt(t: Template, state: ProgrammeState): number | undefined {
  const candidates = pendingReminders(t, state).map((r) => r.at);
  for (const s of state.steps) if (s.status === 'active' && s.dueAt && !s.late) candidates.push(Date.parse(s.dueAt));
  return candidates.length ? Math.min(...candidates) : undefined;
}

/** Marks steps whose due date passed; returns the keys that just became late. */
export function markLateSteps(state: ProgrammeState, now: number): string[] {
  const late: string[] = [];
  for (const s of state.steps) {
    if (s.status === 'active' && s.dueAt && !s.late && Date.parse(s.dueAt) <= now) {
      s.late = true;
      late.push(s.key);
    }
  }
  if (late.length) state.version += 1;
  return late;
}
