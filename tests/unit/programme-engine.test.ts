import { ZTemplate, type Template } from '../../domain/template-schema';
import type { Actor, ProgrammeState } from '../../domain/programme-state';
import * as engine from '../../domain/programme';
import { checkWithValidator, perform } from '../support/engine';
import { markLateSteps, pendingReminders } from '../../domain/programme';
import { settleWithoutTemporal, startedState } from '../support/engine-state';
import { engineTestTemplate } from '../support/test-templates';

const coordinator: Actor = { userId: 'usr_c', role: 'coordinator' };
const t0 = new Date('2026-12-01T09:00:00.000Z');
const after = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

const settle = settleWithoutTemporal;
const start = (template: Template): ProgrammeState => startedState(template, t0);

const eventTypes = (state: ProgrammeState, fromSeq = 0) => state.pendingEvents.filter((e) => e.seq > fromSeq).map((e) => e.type);

describe('the journal: one event per change', () => {
  const template = ZTemplate.parse(engineTestTemplate('journal'));

  it('writes one programme.completed when the last step is completed (not 999)', () => {
    const small = ZTemplate.parse({ key: 'one', version: 1, name: { fr: 'Un', en: 'One' }, phases: [{ key: 'p', name: { fr: 'P', en: 'P' }, steps: [{ key: 'last', name: { fr: 'Dernière', en: 'Last' }, assignee: { kind: 'coordinator' } }] }] });
    const state = start(small);
    const seq = state.eventSeq;
    perform(engine.completeStep, small, state, { actor: coordinator, stepKey: 'last' }, after(1));
    settle(small, state, after(1));
    settle(small, state, after(2));
    expect(eventTypes(state, seq)).toEqual(['step.completed', 'phase.completed', 'programme.completed']);
    expect(state.status).toBe('completed');
  });

  it('bounds the events of every kind of action and of a full lifecycle', () => {
    const state = start(template);
    expect(eventTypes(state)).toEqual(['phase.opened', 'step.activated']);
    const perAction: Record<string, string[]> = {};
    const act = (name: string, run: () => unknown, now: Date) => {
      const seq = state.eventSeq;
      run();
      settle(template, state, now);
      perAction[name] = eventTypes(state, seq);
    };
    act('completeStep', () => perform(engine.completeStep, template, state, { actor: coordinator, stepKey: 'kickoff' }, after(1)), after(1));
    act('changeStep.due', () => perform(engine.changeStep, template, state, { actor: coordinator, stepKey: 'report', dueAt: after(900).toISOString() }, after(2)), after(2));
    act('changeStep.assignee', () => perform(engine.changeStep, template, state, { actor: coordinator, stepKey: 'report', assigneeOrganisationId: 'org_d' }, after(3)), after(3));
    act('addDeliverable', () => perform(engine.addDeliverable, template, state, { actor: coordinator, stepKey: 'report', deliverable: { id: 'dlv_1', kind: 'report', title: 'Rapport', url: 'https://x.test/r' } }, after(4)), after(4));
    act('reviewDeliverable', () => perform(engine.reviewDeliverable, template, state, { actor: coordinator, stepKey: 'report', deliverableId: 'dlv_1', decision: 'accepted' }, after(5)), after(5));
    act('pause', () => perform(engine.pauseProgramme, template, state, { actor: coordinator }, after(6)).result, after(6));
    act('resume', () => perform(engine.resumeProgramme, template, state, { actor: coordinator }, after(7)).result, after(7));
    act('completeStep.lastOfPhase', () => perform(engine.completeStep, template, state, { actor: coordinator, stepKey: 'report' }, after(8)), after(8));
    act('enrol', () => perform(engine.enrolOrganisation, template, state, { actor: coordinator, organisationId: 'org_x', phaseKey: 'trial' }, after(9)), after(9));
    act('approvePhase', () => perform(engine.approvePhase, template, state, { actor: coordinator, phaseKey: 'trial' }, after(10)), after(10));
    act('completePart', () => perform(engine.completeStep, template, state, { actor: { userId: 'usr_x', role: 'partner', organisationId: 'org_x' }, stepKey: 'run-trial' }, after(11)), after(11));
    act('recordIndicator', () => perform(engine.recordIndicator, template, state, { actor: coordinator, key: 'interviews', value: 2 }, after(12)), after(12));
    act('completeStep.last', () => perform(engine.completeStep, template, state, { actor: coordinator, stepKey: 'interviews' }, after(13)), after(13));
    expect(perAction).toEqual({
      completeStep: ['step.completed', 'step.activated'],
      'changeStep.due': ['step.due_changed'],
      'changeStep.assignee': ['step.reassigned'],
      addDeliverable: ['deliverable.added'],
      reviewDeliverable: ['deliverable.accepted'],
      pause: ['programme.paused'],
      resume: ['programme.resumed'],
      'completeStep.lastOfPhase': ['step.completed', 'phase.completed', 'phase.awaiting_gate'],
      enrol: ['organisation.enrolled'],
      approvePhase: ['phase.opened', 'step.activated'],
      completePart: ['step.part_completed', 'step.completed', 'step.activated'],
      recordIndicator: ['indicator.recorded'],
      'completeStep.last': ['step.completed', 'phase.completed', 'programme.completed'],
    });
    expect(state.status).toBe('completed');
    expect(state.pendingEvents.length).toBeLessThanOrEqual(30);
    expect(eventTypes(state).filter((e) => e === 'programme.completed')).toHaveLength(1);
  });

  it('records step.overdue when a due date set in the past or reached makes a step late', () => {
    const state = start(template);
    perform(engine.completeStep, template, state, { actor: coordinator, stepKey: 'kickoff' }, after(1));
    settle(template, state, after(1));
    // Through an Update whose new due date has passed by the time it is applied (the validator refuses it when known).
    const seq = state.eventSeq;
    perform(engine.changeStep, template, state, { actor: coordinator, stepKey: 'report', dueAt: after(1).toISOString() }, after(5));
    expect(eventTypes(state, seq)).toEqual(['step.due_changed', 'step.overdue']);
    expect(engine.stepState(state, 'report')!.late).toBe(true);
    // setDueDate reports a step that just became late, so every caller records the event.
    perform(engine.changeStep, template, state, { actor: coordinator, stepKey: 'report', dueAt: after(100).toISOString() }, after(6));
    expect(engine.stepState(state, 'report')!.late).toBe(false);
    expect(markLateSteps(state, after(101).getTime())).toEqual(['report']);
  });
});

describe('due date changes', () => {
  const template = ZTemplate.parse(engineTestTemplate('due'));

  it('refuses a new due date in the past ("Reporter l\'échéance" with 01/01/2020), changing nothing', () => {
    const state = start(template);
    perform(engine.completeStep, template, state, { actor: coordinator, stepKey: 'kickoff' }, after(1));
    settle(template, state, after(1));
    const before = JSON.stringify(state);
    const refusal = checkWithValidator(engine.changeStep, template, state, { actor: coordinator, stepKey: 'report', dueAt: '2020-01-01T17:00:00.000Z' }, after(2));
    expect(refusal?.code).toBe('due_date_in_past');
    expect(JSON.stringify(state)).toBe(before);
    expect(checkWithValidator(engine.changeStep, template, state, { actor: coordinator, stepKey: 'report', dueAt: after(3600).toISOString() }, after(2))).toBeUndefined();
  });
});

describe('pause and resume', () => {
  const template = ZTemplate.parse(engineTestTemplate('pause'));

  it('moves due dates by the paused duration and sends no burst of reminders on resume', () => {
    const state = start(template);
    perform(engine.completeStep, template, state, { actor: coordinator, stepKey: 'kickoff' }, after(0));
    settle(template, state, after(0));
    // The step is due 60 s from now; pause, wait 100 s, resume.
    perform(engine.changeStep, template, state, { actor: coordinator, stepKey: 'report', dueAt: after(60).toISOString() }, after(0));
    perform(engine.pauseProgramme, template, state, { actor: coordinator }, after(0));
    expect(markLateSteps(state, after(100).getTime(), true)).toEqual([]);
    const moved = perform(engine.resumeProgramme, template, state, { actor: coordinator }, after(100)).result;
    expect(moved).toEqual(['report']);
    const step = engine.stepState(state, 'report')!;
    expect(step.dueAt).toBe(after(160).toISOString());
    expect(step.late).toBe(false);
    // Nothing is due at the moment of resuming: the series restarts from now.
    expect(pendingReminders(template, state).filter((r) => r.at <= after(100).getTime())).toEqual([]);
    expect(state.pendingEvents.at(-1)).toMatchObject({ type: 'programme.resumed', data: { pausedForMs: 100_000, dueDatesMovedByMs: 100_000 } });
  });

  it('keeps the due dates when asked, still without a burst', () => {
    const state = start(template);
    perform(engine.completeStep, template, state, { actor: coordinator, stepKey: 'kickoff' }, after(0));
    settle(template, state, after(0));
    perform(engine.changeStep, template, state, { actor: coordinator, stepKey: 'report', dueAt: after(60).toISOString() }, after(0));
    perform(engine.pauseProgramme, template, state, { actor: coordinator }, after(0));
    expect(perform(engine.resumeProgramme, template, state, { actor: coordinator, keepDueDates: true }, after(100)).result).toEqual([]);
    const step = engine.stepState(state, 'report')!;
    expect(step.dueAt).toBe(after(60).toISOString());
    expect(step.late).toBe(true);
    const due = pendingReminders(template, state).filter((r) => r.at <= after(100).getTime());
    expect(due).toEqual([]);
  });
});
