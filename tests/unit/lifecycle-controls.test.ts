import type { Actor, ProgrammeState } from '../../domain/programme-state';
import { ZTemplate } from '../../domain/template-schema';
import * as domain from '../../domain/programme';
import type { CancelInput, ChangeStepInput, CompleteStepInput, RecordIndicatorInput } from '../../domain/programme';
import { settleWithoutTemporal, startedState } from '../support/engine-state';
import { engineTestTemplate } from '../support/test-templates';

/**
 * The coordinator's controls as check/apply pairs (domain/programme: controls, step-changes, indicators): a check refuses
 * with a code and changes nothing; an apply changes the state, writes one journal event and bumps
 * the version (how many times is the engine's business: only that it grows, for the projection). Pause, cancel, change a step, record an indicator.
 */
const coordinator: Actor = { userId: 'usr_c', role: 'coordinator' };
const admin: Actor = { userId: 'usr_a', role: 'admin' };
const manager: Actor = { userId: 'usr_m', role: 'manager' };
const partner: Actor = { userId: 'usr_p', role: 'partner', organisationId: 'org_c' };
const t0 = new Date('2026-12-01T09:00:00.000Z');
const after = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const template = ZTemplate.parse(engineTestTemplate('controls'));

/**
 * The controls in the check/apply form these tests were written in, over the domain actions
 * (domain/programme): `check` is the action's check then its validator-only checks; `apply` goes
 * through applyAction, the one place the version moves.
 */
const context = (state: ProgrammeState, now: Date, calendar = false) => ({ template, state, now, calendar });
const engine = {
  stepState: domain.stepState,
  applyCompleteStep: (t: typeof template, state: ProgrammeState, input: CompleteStepInput, now: Date) => domain.applyAction(domain.completeStep, { template: t, state, now, calendar: true }, input).notifications,
  checkPause: (state: ProgrammeState, actor: Actor, pause: boolean) => (pause ? domain.pauseProgramme.check(context(state, t0), { actor }) : domain.resumeProgramme.check(context(state, t0), { actor })),
  applyPause: (state: ProgrammeState, actor: Actor, pause: boolean, now: Date, options: { calendar?: boolean; keepDueDates?: boolean } = {}): string[] => {
    if (pause) {
      domain.applyAction(domain.pauseProgramme, context(state, now, options.calendar), { actor });
      return [];
    }
    return domain.applyAction(domain.resumeProgramme, context(state, now, options.calendar), { actor, keepDueDates: options.keepDueDates }).result;
  },
  checkCancel: (state: ProgrammeState, input: CancelInput) => domain.cancelProgramme.check(context(state, t0), input),
  applyCancel: (state: ProgrammeState, input: CancelInput, now: Date): void => {
    domain.applyAction(domain.cancelProgramme, context(state, now), input);
  },
  // Without `now` the old check skipped the "already past" rule: the epoch makes every date future.
  checkChangeStep: (state: ProgrammeState, input: ChangeStepInput, now?: Date) => {
    const ctx = context(state, now ?? new Date(0));
    return domain.changeStep.check(ctx, input) ?? domain.changeStep.validate?.(ctx, input);
  },
  applyChangeStep: (state: ProgrammeState, input: ChangeStepInput, now: Date) => domain.applyAction(domain.changeStep, context(state, now, true), input).notifications,
  checkRecordIndicator: (t: typeof template, state: ProgrammeState, input: RecordIndicatorInput) => domain.recordIndicator.check({ template: t, state, now: t0 }, input),
  applyRecordIndicator: (state: ProgrammeState, input: RecordIndicatorInput, now: Date): number => {
    domain.applyAction(domain.recordIndicator, context(state, now), input);
    return state.indicators[input.key]!;
  },
};

/** Kick-off done: `report` active (due in 10 minutes, contractor org_c), `run-trial` and `interviews` pending. */
function running(): ProgrammeState {
  const state = startedState(template, t0);
  engine.applyCompleteStep(template, state, { actor: coordinator, stepKey: 'kickoff' }, after(0));
  settleWithoutTemporal(template, state, after(0));
  return state;
}

/** Runs a check and returns its code, asserting that checking changed nothing. */
function refusalCode(state: ProgrammeState, check: (s: ProgrammeState) => { code: string } | undefined): string | undefined {
  const before = JSON.stringify(state);
  const code = check(state)?.code;
  expect(JSON.stringify(state)).toBe(before);
  return code;
}

/** The events an apply wrote, and whether it bumped the version. */
function applied<T>(state: ProgrammeState, apply: (s: ProgrammeState) => T): { result: T; events: ProgrammeState['pendingEvents']; versionBumped: boolean } {
  const seq = state.eventSeq;
  const version = state.version;
  const result = apply(state);
  return { result, events: state.pendingEvents.filter((e) => e.seq > seq), versionBumped: state.version > version };
}

const withStatus = (status: ProgrammeState['status']) => {
  const state = running();
  state.status = status;
  return state;
};

describe('pause and resume', () => {
  it.each([
    ['a partner pauses', () => running(), partner, true, 'not_allowed'],
    ['a manager resumes', () => withStatus('paused'), manager, false, 'not_allowed'],
    ['pausing a paused programme', () => withStatus('paused'), coordinator, true, 'already_paused'],
    ['resuming an active programme', () => running(), coordinator, false, 'not_paused'],
    ['pausing a completed programme', () => withStatus('completed'), coordinator, true, 'programme_not_active'],
    ['pausing a cancelled programme', () => withStatus('cancelled'), coordinator, true, 'programme_not_active'],
    ['resuming a cancelled programme', () => withStatus('cancelled'), coordinator, false, 'not_paused'],
  ] as const)('refuses %s', (_, make, actor, pause, code) => {
    expect(refusalCode(make(), (s) => engine.checkPause(s, actor, pause))).toBe(code);
  });

  it('lets a coordinator or an admin pause an active programme and resume a paused one', () => {
    expect(engine.checkPause(running(), coordinator, true)).toBeUndefined();
    expect(engine.checkPause(running(), admin, true)).toBeUndefined();
    expect(engine.checkPause(withStatus('paused'), coordinator, false)).toBeUndefined();
  });

  it('pauses: status, pausedAt, one event, due dates untouched', () => {
    const state = running();
    const due = engine.stepState(state, 'report')!.dueAt;
    const { result, events, versionBumped } = applied(state, (s) => engine.applyPause(s, coordinator, true, after(5), { calendar: true }));
    expect({ result, status: state.status, pausedAt: state.pausedAt, versionBumped }).toEqual({ result: [], status: 'paused', pausedAt: after(5).toISOString(), versionBumped: true });
    expect(events.map((e) => [e.type, e.actorId])).toEqual([['programme.paused', coordinator.userId]]);
    expect(engine.stepState(state, 'report')!.dueAt).toBe(due);
  });

  it('resumes: moves only open steps with a due date, restarts their reminder series from now, and says by how much', () => {
    const state = running();
    const report = engine.stepState(state, 'report')!;
    const due = Date.parse(report.dueAt!);
    engine.applyPause(state, coordinator, true, after(5), { calendar: true });
    const { result, events, versionBumped } = applied(state, (s) => engine.applyPause(s, coordinator, false, after(905), { calendar: true }));
    expect(result).toEqual(['report']);
    expect(Date.parse(report.dueAt!) - due).toBe(900_000);
    expect({ status: state.status, pausedAt: state.pausedAt, dueSetAt: report.dueSetAt, late: report.late, versionBumped }).toEqual({ status: 'active', pausedAt: undefined, dueSetAt: after(905).toISOString(), late: false, versionBumped: true });
    // Pending and completed steps keep what they had.
    expect(engine.stepState(state, 'kickoff')!.dueAt).toBeUndefined();
    expect(engine.stepState(state, 'run-trial')!.dueAt).toBeUndefined();
    expect(events).toEqual([expect.objectContaining({ type: 'programme.resumed', actorId: coordinator.userId, data: { pausedForMs: 900_000, dueDatesMovedByMs: 900_000, keepDueDates: false } })]);
  });

  it('resuming with kept due dates marks a step whose date passed during the pause as late', () => {
    const state = running();
    engine.applyPause(state, coordinator, true, after(5), { calendar: true });
    expect(engine.applyPause(state, coordinator, false, after(3600), { calendar: true, keepDueDates: true })).toEqual([]);
    expect(engine.stepState(state, 'report')!.late).toBe(true);
  });

  it('without the working-day calendar (older runs): status and event only, nothing tracked or moved', () => {
    const state = running();
    const due = engine.stepState(state, 'report')!.dueAt;
    const paused = applied(state, (s) => engine.applyPause(s, coordinator, true, after(5)));
    const resumed = applied(state, (s) => engine.applyPause(s, coordinator, false, after(905)));
    expect([paused.result, resumed.result, state.pausedAt, engine.stepState(state, 'report')!.dueAt]).toEqual([[], [], undefined, due]);
    expect([...paused.events, ...resumed.events].map((e) => [e.type, e.data])).toEqual([['programme.paused', {}], ['programme.resumed', {}]]);
  });
});

describe('cancel', () => {
  it.each([
    ['by a partner', () => running(), partner, 'not_allowed'],
    ['by a manager', () => running(), manager, 'not_allowed'],
    ['a completed programme', () => withStatus('completed'), coordinator, 'programme_not_active'],
    ['a cancelled programme', () => withStatus('cancelled'), coordinator, 'programme_not_active'],
  ] as const)('refuses %s', (_, make, actor, code) => {
    expect(refusalCode(make(), (s) => engine.checkCancel(s, { actor, reason: 'x' }))).toBe(code);
  });

  it('cancels an active or a paused programme', () => {
    expect(engine.checkCancel(running(), { actor: coordinator, reason: 'x' })).toBeUndefined();
    expect(engine.checkCancel(withStatus('paused'), { actor: admin, reason: 'x' })).toBeUndefined();
  });

  it('cancels every unfinished phase and step, keeps what was completed, records the reason once', () => {
    const state = running();
    engine.stepState(state, 'report')!.late = true;
    const { events, versionBumped } = applied(state, (s) => engine.applyCancel(s, { actor: coordinator, reason: 'Financement retiré' }, after(10)));
    expect({ status: state.status, cancelReason: state.cancelReason, versionBumped }).toEqual({ status: 'cancelled', cancelReason: 'Financement retiré', versionBumped: true });
    expect(state.phases.map((p) => [p.key, p.status])).toEqual([['framing', 'cancelled'], ['trial', 'cancelled']]);
    expect(state.steps.map((s) => [s.key, s.status, s.late])).toEqual([['kickoff', 'completed', false], ['report', 'cancelled', false], ['run-trial', 'cancelled', false], ['interviews', 'cancelled', false]]);
    expect(events).toEqual([expect.objectContaining({ type: 'programme.cancelled', actorId: coordinator.userId, data: { reason: 'Financement retiré' } })]);
  });
});

describe('change a step (due date, assignee)', () => {
  it.each([
    ['on a paused programme', () => withStatus('paused'), { actor: coordinator, stepKey: 'report', dueAt: after(3600).toISOString() }, 'programme_not_active'],
    ['by a partner', () => running(), { actor: partner, stepKey: 'report', dueAt: after(3600).toISOString() }, 'not_allowed'],
    ['an unknown step', () => running(), { actor: coordinator, stepKey: 'nope', dueAt: after(3600).toISOString() }, 'unknown_step'],
    ['a completed step', () => running(), { actor: coordinator, stepKey: 'kickoff', dueAt: after(3600).toISOString() }, 'step_not_active'],
    ['a date that is not one', () => running(), { actor: coordinator, stepKey: 'report', dueAt: 'demain' }, 'invalid_due_date'],
    ['a date already past', () => running(), { actor: coordinator, stepKey: 'report', dueAt: after(-1).toISOString() }, 'due_date_in_past'],
    ['the present instant', () => running(), { actor: coordinator, stepKey: 'report', dueAt: after(10).toISOString() }, 'due_date_in_past'],
    ['reassigning an "each partner" step', () => running(), { actor: coordinator, stepKey: 'run-trial', assigneeOrganisationId: 'org_x' }, 'not_allowed'],
  ] as const)('refuses %s', (_, make, input, code) => {
    expect(refusalCode(make(), (s) => engine.checkChangeStep(s, input, after(10)))).toBe(code);
  });

  it('accepts a past date on the handler’s re-check (no `now`), so histories that accepted one replay', () => {
    expect(engine.checkChangeStep(running(), { actor: coordinator, stepKey: 'report', dueAt: after(-1).toISOString() })).toBeUndefined();
  });

  it('accepts a future date and a reassignment of a pending step', () => {
    expect(engine.checkChangeStep(running(), { actor: coordinator, stepKey: 'report', dueAt: after(11).toISOString() }, after(10))).toBeUndefined();
    expect(engine.checkChangeStep(running(), { actor: admin, stepKey: 'interviews', assigneeOrganisationId: 'org_x' }, after(10))).toBeUndefined();
  });

  it('moves a due date: new instant, a fresh reminder series, one event with from, to and reason', () => {
    const state = running();
    const from = engine.stepState(state, 'report')!.dueAt;
    const to = after(7200).toISOString();
    const { result, events, versionBumped } = applied(state, (s) => engine.applyChangeStep(s, { actor: coordinator, stepKey: 'report', dueAt: to, reason: 'congés' }, after(20)));
    expect({ result, versionBumped }).toEqual({ result: [], versionBumped: true });
    expect(engine.stepState(state, 'report')).toMatchObject({ dueAt: to, dueSetAt: after(20).toISOString(), late: false });
    expect(events).toEqual([expect.objectContaining({ type: 'step.due_changed', actorId: coordinator.userId, data: { stepKey: 'report', from, to, reason: 'congés' } })]);
  });

  it('records step.overdue when the applied date is already past', () => {
    const state = running();
    const { events } = applied(state, (s) => engine.applyChangeStep(s, { actor: coordinator, stepKey: 'report', dueAt: after(-60).toISOString() }, after(20)));
    expect(events.map((e) => e.type)).toEqual(['step.due_changed', 'step.overdue']);
    expect(engine.stepState(state, 'report')!.late).toBe(true);
  });

  it('reassigns: the slot follows, the new organisation is told when the step is active, not when it is pending', () => {
    const state = running();
    const active = applied(state, (s) => engine.applyChangeStep(s, { actor: coordinator, stepKey: 'report', assigneeOrganisationId: 'org_x', reason: 'intérim' }, after(20)));
    expect(active.result).toEqual([{ kind: 'assignment', stepKey: 'report', to: { organisations: ['org_x'] } }]);
    expect(engine.stepState(state, 'report')!.assignee).toEqual({ kind: 'organisation', organisationId: 'org_x', slot: 'contractor' });
    expect(state.slots.contractor).toBe('org_x');
    expect(active.events).toEqual([expect.objectContaining({ type: 'step.reassigned', data: { stepKey: 'report', organisationId: 'org_x', reason: 'intérim' } })]);
    const pending = applied(state, (s) => engine.applyChangeStep(s, { actor: coordinator, stepKey: 'interviews', assigneeOrganisationId: 'org_y' }, after(30)));
    expect(pending.result).toEqual([]);
    expect(engine.stepState(state, 'interviews')!.assignee).toEqual({ kind: 'organisation', organisationId: 'org_y', slot: undefined });
  });
});

describe('record an indicator', () => {
  it.each([
    ['on a paused programme', () => withStatus('paused'), coordinator, 'interviews', 'programme_not_active'],
    ['on a completed programme', () => withStatus('completed'), coordinator, 'interviews', 'programme_not_active'],
    ['by a manager', () => running(), manager, 'interviews', 'not_allowed'],
    ['an indicator the template does not declare', () => running(), coordinator, 'nope', 'unknown_indicator'],
  ] as const)('refuses %s', (_, make, actor, key, code) => {
    expect(refusalCode(make(), (s) => engine.checkRecordIndicator(template, s, { actor, key, increment: 1 }))).toBe(code);
  });

  it('lets coordinators, admins and partners record', () => {
    for (const actor of [coordinator, admin, partner]) expect(engine.checkRecordIndicator(template, running(), { actor, key: 'interviews', value: 1 })).toBeUndefined();
  });

  it('adds an increment, replaces with a value, and journals each change with from and to', () => {
    const state = running();
    const first = applied(state, (s) => engine.applyRecordIndicator(s, { actor: partner, key: 'interviews', increment: 2 }, after(1)));
    const second = applied(state, (s) => engine.applyRecordIndicator(s, { actor: partner, key: 'interviews', increment: 3 }, after(2)));
    const third = applied(state, (s) => engine.applyRecordIndicator(s, { actor: coordinator, key: 'interviews', value: 1 }, after(3)));
    expect([first.result, second.result, third.result, state.indicators.interviews]).toEqual([2, 5, 1, 1]);
    expect([first, second, third].map((a) => [a.versionBumped, a.events.map((e) => [e.type, e.actorId, e.data])])).toEqual([
      [true, [['indicator.recorded', partner.userId, { key: 'interviews', from: 0, to: 2 }]]],
      [true, [['indicator.recorded', partner.userId, { key: 'interviews', from: 2, to: 5 }]]],
      [true, [['indicator.recorded', coordinator.userId, { key: 'interviews', from: 5, to: 1 }]]],
    ]);
  });
});
