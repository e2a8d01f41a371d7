import type { ProgrammeState, StepState } from '../../domain/programme-state';
import { MAX_OVERDUE_REMINDERS } from '../../domain/reminder-limits';
import { ZTemplate, type ReminderPolicy, type TemplateInput } from '../../domain/template-schema';
import * as engine from '../../domain/programme';
import { markLateSteps, nextWakeAt, pendingReminders, planReminders, policyFor } from '../../domain/programme/reminders';
import { reminderTestTemplate } from '../support/test-templates';

/** The reminder planner (domain/programme/reminders.ts): when each reminder is due, what it is keyed by, what stops it. */
const t0 = Date.parse('2026-12-01T09:00:00.000Z');
const at = (seconds: number) => t0 + seconds * 1000;
const iso = (seconds: number) => new Date(at(seconds)).toISOString();

function step(overrides: Partial<StepState> = {}): StepState {
  return { key: 'deliver', phaseKey: 'only', position: 0, status: 'active', assignee: { kind: 'organisation', organisationId: 'org_a' }, dueAt: iso(60), dueSetAt: iso(0), late: false, parts: {}, deliverables: [], remindersSent: [], ...overrides };
}

const seconds: ReminderPolicy = { unit: 'seconds', beforeDue: [10, 30], onDue: true, overdueEvery: 5, escalateAfter: 2 };
const summary = (plan: ReturnType<typeof planReminders>) => plan.map((r) => `${r.key.split(':')[2]}@${(r.at - t0) / 1000}`);

describe('planReminders', () => {
  it('plans before due, on due, every overdue interval and the escalation with the M-th overdue, in time order', () => {
    const plan = planReminders('prg_1', step(), seconds);
    const overdue = Array.from({ length: MAX_OVERDUE_REMINDERS }, (_, i) => `overdue-${i + 1}@${60 + 5 * (i + 1)}`);
    expect(summary(plan)).toEqual(['before-30@30', 'before-10@50', 'due@60', ...overdue.slice(0, 2), 'escalation@70', ...overdue.slice(2)]);
    expect(plan.find((r) => r.key.includes('escalation'))).toEqual({ key: `prg_1:deliver:escalation:${iso(60)}`, stepKey: 'deliver', kind: 'escalation', at: at(70), dueAt: iso(60) });
    expect([...new Set(plan.map((r) => r.kind))]).toEqual(['reminder_before_due', 'due_today', 'overdue', 'escalation']);
  });

  it('keys every reminder by programme, step, kind and due date, so a new due date is a new series', () => {
    const first = planReminders('prg_1', step(), seconds).map((r) => r.key);
    const moved = planReminders('prg_1', step({ dueAt: iso(90) }), seconds).map((r) => r.key);
    expect(first.every((k) => k.startsWith('prg_1:deliver:') && k.endsWith(`:${iso(60)}`))).toBe(true);
    expect(moved.filter((k) => first.includes(k))).toEqual([]);
  });

  it('counts days as 24 hours without the working-day calendar', () => {
    const plan = planReminders('prg_1', step({ dueAt: iso(10 * 86_400), dueSetAt: iso(0) }), { unit: 'days', beforeDue: [3], onDue: false, overdueEvery: null, escalateAfter: null });
    expect(plan.map((r) => (r.at - t0) / 86_400_000)).toEqual([7]);
  });

  it('leaves out what came before the due date was set, and what was already sent', () => {
    const step1 = step({ dueSetAt: iso(55), remindersSent: [`prg_1:deliver:due:${iso(60)}`] });
    expect(summary(planReminders('prg_1', step1, { ...seconds, overdueEvery: 0 }))).toEqual([]);
    expect(summary(planReminders('prg_1', step({ dueSetAt: iso(45) }), { ...seconds, overdueEvery: 0 }))).toEqual(['before-10@50', 'due@60']);
  });

  it('plans nothing for a step that is not active or has no due date', () => {
    for (const status of ['pending', 'completed', 'cancelled'] as const) expect(planReminders('prg_1', step({ status }), seconds)).toEqual([]);
    expect(planReminders('prg_1', step({ dueAt: undefined }), seconds)).toEqual([]);
  });

  it('with the working-day calendar, day-based reminders are the planned moments for the current due date only', () => {
    const days: ReminderPolicy = { unit: 'days', beforeDue: [2], onDue: true, overdueEvery: null, escalateAfter: null };
    const planned = [
      { key: 'k-before', stepKey: 'deliver', kind: 'reminder_before_due' as const, at: at(-10), dueAt: iso(60) },
      { key: 'k-sent', stepKey: 'deliver', kind: 'reminder_before_due' as const, at: at(20), dueAt: iso(60) },
      { key: 'k-due', stepKey: 'deliver', kind: 'due_today' as const, at: at(40), dueAt: iso(60) },
    ];
    const s = step({ reminderPlan: { dueAt: iso(60), reminders: planned }, remindersSent: ['k-sent'] });
    // Before dueSetAt and already sent are left out; no arithmetic on days.
    expect(planReminders('prg_1', s, days, { calendar: true }).map((r) => r.key)).toEqual(['k-due']);
    // A plan for an older due date (settle has not planned the new one yet): nothing.
    expect(planReminders('prg_1', step({ dueAt: iso(90), reminderPlan: { dueAt: iso(60), reminders: planned } }), days, { calendar: true })).toEqual([]);
    // Second-scale policies keep the arithmetic under the calendar.
    expect(summary(planReminders('prg_1', step(), { ...seconds, overdueEvery: 0 }, { calendar: true }))).toEqual(['before-30@30', 'before-10@50', 'due@60']);
  });
});

describe('a programme’s reminders', () => {
  const input: TemplateInput = reminderTestTemplate('rem', 60);
  const template = ZTemplate.parse({
    ...input,
    phases: [{ ...input.phases[0]!, steps: [...input.phases[0]!.steps, { key: 'review', name: { fr: 'Relire', en: 'Review' }, assignee: { kind: 'coordinator' }, reminders: { unit: 'seconds', beforeDue: [1], onDue: false, overdueEvery: 100 } }] }],
  });

  function programme(): ProgrammeState {
    const state = engine.createInitialState({ programmeId: 'prg_r', title: 'R', template, startDate: '2026-12-01', slots: { partner: 'org_a' } }, new Date(t0));
    for (const s of state.steps) Object.assign(s, { status: 'active', dueSetAt: iso(0) });
    engine.stepState(state, 'deliver')!.dueAt = iso(10);
    engine.stepState(state, 'review')!.dueAt = iso(5);
    return state;
  }

  it('takes a step’s own policy over the template’s', () => {
    expect(policyFor(template, 'review')).toMatchObject({ unit: 'seconds', beforeDue: [1], onDue: false, overdueEvery: 100 });
    expect(policyFor(template, 'deliver')).toEqual(template.reminders);
  });

  it('merges every step’s reminders in time order, and none while the programme is not active', () => {
    const state = programme();
    // deliver: before-3 at 7 s, due at 10 s, overdue every 2 s, escalation with the first; review: before-1 at 4 s, overdue at 105 s.
    expect(pendingReminders(template, state).slice(0, 4).map((r) => `${r.stepKey}:${r.key.split(':')[2]}@${(r.at - t0) / 1000}`)).toEqual(['review:before-1@4', 'deliver:before-3@7', 'deliver:due@10', 'deliver:overdue-1@12']);
    for (const status of ['paused', 'completed', 'cancelled'] as const) expect(pendingReminders(template, { ...state, status })).toEqual([]);
  });

  it('wakes at the next reminder or the next step falling due, nothing when there is neither', () => {
    const state = programme();
    expect(nextWakeAt(template, state)).toBe(at(4));
    // Without reminders left, the earliest due date of a step not yet late.
    for (const s of state.steps) s.remindersSent = planReminders('prg_r', s, policyFor(template, s.key)).map((r) => r.key);
    expect(nextWakeAt(template, state)).toBe(at(5));
    engine.stepState(state, 'review')!.late = true;
    expect(nextWakeAt(template, state)).toBe(at(10));
    for (const s of state.steps) s.status = 'completed';
    expect(nextWakeAt(template, state)).toBeUndefined();
  });
});

describe('markLateSteps', () => {
  function state(steps: StepState[], status: ProgrammeState['status'] = 'active'): ProgrammeState {
    return { status, version: 1, steps } as unknown as ProgrammeState;
  }

  it('marks active steps whose due instant is reached (inclusive), once, bumping the version once', () => {
    const s = state([step({ key: 'a', dueAt: iso(10) }), step({ key: 'b', dueAt: iso(10.001) }), step({ key: 'c', dueAt: iso(5), status: 'completed' }), step({ key: 'd', dueAt: undefined })]);
    expect(markLateSteps(s, at(10))).toEqual(['a']);
    expect(s.version).toBe(2);
    expect(s.steps.map((x) => x.late)).toEqual([true, false, false, false]);
    expect(markLateSteps(s, at(10))).toEqual([]);
    expect(s.version).toBe(2);
    expect(markLateSteps(s, at(11))).toEqual(['b']);
  });

  it('leaves a paused programme’s steps on time when asked to (working-day calendar runs)', () => {
    const paused = state([step({ dueAt: iso(10) })], 'paused');
    expect(markLateSteps(paused, at(20), true)).toEqual([]);
    expect(paused.steps[0]!.late).toBe(false);
    // Runs recorded before the calendar still mark them.
    expect(markLateSteps(paused, at(20))).toEqual(['deliver']);
  });
});
