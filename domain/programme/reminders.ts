/**
 * When to remind, as a pure function of a step's due date and the reminder policy.
 * Each reminder has a key that embeds the due date, so moving the due date plans a new
 * series and the old one simply never comes due; the key doubles as the BullMQ job id.
 */
import type { PlannedReminder } from '../deadlines';
import { isPastDue } from '../lateness';
import type { ProgrammeState, StepState } from '../programme-state';
import { MAX_OVERDUE_REMINDERS } from '../reminder-limits';
import type { ReminderPolicy, Template } from '../template-schema';
import { stepState, templateStep } from './lookups';
import { recipientsOf, type NotificationRequest } from './notifications';
import { markChanged } from './state';

/**
 * How reminders are planned. `calendar`: day-based policies use the moments an activity planned on
 * working days (step.reminderPlan); without it (histories recorded before) days are 24 h apart.
 */
export interface PlanOptions {
  calendar?: boolean;
}

export function policyFor(t: Template, stepKey: string): ReminderPolicy {
  return templateStep(t, stepKey)?.reminders ?? t.reminders;
}

export function planReminders(programmeId: string, step: StepState, policy: ReminderPolicy, options: PlanOptions = {}): PlannedReminder[] {
  if (step.status !== 'active' || !step.dueAt) return [];
  if (options.calendar && policy.unit === 'days') {
    // Planned on working days by an activity when the due date was set; none yet means settle has not run.
    if (step.reminderPlan?.dueAt !== step.dueAt) return [];
    const since = step.dueSetAt ? Date.parse(step.dueSetAt) : 0;
    return step.reminderPlan.reminders.filter((r) => r.at >= since && !step.remindersSent.includes(r.key));
  }
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

export function pendingReminders(t: Template, state: ProgrammeState, options: PlanOptions = {}): PlannedReminder[] {
  if (state.status !== 'active') return [];
  return state.steps
    .flatMap((s) => planReminders(state.programmeId, s, policyFor(t, s.key), options))
    .sort((a, b) => a.at - b.at);
}

/** Marks the reminders due by `now` as sent and returns them as notifications (escalations go to the coordinator). */
export function takeDueReminders(t: Template, state: ProgrammeState, now: number, options: PlanOptions = {}): NotificationRequest[] {
  const reminders: NotificationRequest[] = [];
  for (const r of pendingReminders(t, state, options).filter((p) => p.at <= now)) {
    const step = stepState(state, r.stepKey)!;
    step.remindersSent.push(r.key);
    markChanged(state);
    reminders.push({ kind: r.kind, stepKey: r.stepKey, to: r.kind === 'escalation' ? { coordinator: true } : recipientsOf(step), data: { reminderKey: r.key, dueAt: r.dueAt } });
  }
  return reminders;
}

/** The next moment the workflow must wake up: a reminder or a step falling overdue. */
export function nextWakeAt(t: Template, state: ProgrammeState, options: PlanOptions = {}): number | undefined {
  const candidates = pendingReminders(t, state, options).map((r) => r.at);
  for (const s of state.steps) if (s.status === 'active' && s.dueAt && !s.late) candidates.push(Date.parse(s.dueAt));
  return candidates.length ? Math.min(...candidates) : undefined;
}

/** Marks steps whose due date passed; returns the keys that just became late. A paused programme's steps are not late (`onlyWhenActive`). */
export function markLateSteps(state: ProgrammeState, now: number, onlyWhenActive = false): string[] {
  const late: string[] = [];
  if (onlyWhenActive && state.status !== 'active') return late;
  for (const s of state.steps) {
    if (s.status === 'active' && s.dueAt && !s.late && isPastDue(s.dueAt, now)) {
      s.late = true;
      late.push(s.key);
    }
  }
  if (late.length) markChanged(state);
  return late;
}
