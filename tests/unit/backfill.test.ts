import { applyHistory, checkHistory, childHistory, overdueFromEntry, type History } from '../../domain/backfill';
import type { Actor } from '../../domain/programme-state';
import { ZTemplate } from '../../domain/template-schema';
import { callForProjectsTemplate, defiTemplate, tenderTemplate } from '../../templates';
import * as engine from '../../domain/programme';

const defi = ZTemplate.parse(defiTemplate);
const tender = ZTemplate.parse(tenderTemplate);
const coordinator: Actor = { userId: 'usr_c', role: 'coordinator' };
const enteredAt = new Date('2026-12-01T09:00:00.000Z');
const ctx = { actor: coordinator, enteredAt, today: '2026-12-01', organisations: new Set(['org_afpa', 'org_greta', 'org_didaction']) };
const fresh = () => engine.createInitialState({ programmeId: 'prg_defi', title: 'DEFI', template: defi, startDate: '2021-01-04', coordinatorId: 'usr_c' }, enteredAt);

const launch: History['facts'] = [
  { type: 'step', date: '2021-06-30', stepKey: 'partner-mobilisation', note: '40 contactés, 14 rencontrés' },
  { type: 'indicator', date: '2021-06-30', key: 'partners-contacted', value: 40 },
  { type: 'step', date: '2021-07-15', stepKey: 'partner-allocation' },
  { type: 'enrolment', date: '2021-07-15', phaseKey: 'test', organisationId: 'org_afpa' },
  { type: 'step', date: '2021-08-31', stepKey: 'framing-evaluation' },
  { type: 'step', date: '2021-09-15', stepKey: 'framing-intellectual-property' },
  { type: 'step', date: '2021-09-30', stepKey: 'framing-communication' },
  { type: 'gate', date: '2021-10-04', phaseKey: 'test' },
  { type: 'award', date: '2021-11-12', childKey: 'tender-evaluation', winner: 'org_didaction' },
];

describe('a programme started in the past (domain/backfill.ts)', () => {
  it('replays the facts at their real dates: phases open and steps complete on those dates, what is open waits for its due date', () => {
    const state = fresh();
    const { problems, needDueDate } = applyHistory(defi, state, { facts: launch }, ctx);
    expect(problems).toEqual([]);
    const step = (k: string) => state.steps.find((s) => s.key === k)!;
    expect(step('partner-mobilisation')).toMatchObject({ status: 'completed', completedAt: '2021-06-30T10:00:00.000Z', note: '40 contactés, 14 rencontrés' });
    expect(step('partner-allocation').activatedAt).toBe('2021-06-30T10:00:00.000Z');
    expect(state.phases.find((p) => p.key === 'launch')).toMatchObject({ status: 'completed', openedAt: '2021-01-04T07:00:00.000Z', completedAt: '2021-09-30T10:00:00.000Z' });
    expect(state.phases.find((p) => p.key === 'test')).toMatchObject({ status: 'active', openedAt: '2021-10-04T10:00:00.000Z', approvedBy: 'usr_c' });
    expect(state.indicators['partners-contacted']).toBe(40);
    expect(state.slots.evaluator).toBe('org_didaction');
    // Open now: the Test phase's first steps, with no due date until the workflow resolves it from the template rules.
    expect(needDueDate).toEqual(['trainers-training-test', 'bricks-co-construction-test']);
    expect(needDueDate.map((k) => step(k).dueAt)).toEqual([undefined, undefined]);
    expect(state.milestones.map((m) => [m.key, m.at])).toEqual([['partner-allocation', '2021-07-15T10:00:00.000Z']]);
    // Every event of the history is at its real date and marked as entered afterwards, by whom and when.
    const history = state.pendingEvents.filter((e) => e.data.backfill);
    expect(history.every((e) => (e.data.backfill as { enteredBy: string }).enteredBy === 'usr_c')).toBe(true);
    expect(history.find((e) => e.type === 'step.completed' && e.data.stepKey === 'partner-mobilisation')!.at).toBe('2021-06-30T10:00:00.000Z');
    expect(state.pendingEvents.at(-1)).toMatchObject({ type: 'programme.backfilled', at: enteredAt.toISOString(), actorId: 'usr_c', data: { facts: 9 } });
    expect(state.backfill).toEqual({ enteredBy: 'usr_c', enteredAt: enteredAt.toISOString(), facts: 9 });
  });

  it('refuses what the lifecycle could not have lived, each problem in French with its fact and parameters', () => {
    const facts: History['facts'] = [
      { type: 'step', date: '2027-01-01', stepKey: 'partner-mobilisation' },
      { type: 'step', date: '2020-12-31', stepKey: 'partner-mobilisation' },
      { type: 'step', date: '2021-03-01', stepKey: 'no-such-step' },
      { type: 'enrolment', date: '2021-03-01', phaseKey: 'test', organisationId: 'org_unknown' },
      { type: 'step', date: '2021-03-01', stepKey: 'partner-allocation' },
      { type: 'gate', date: '2021-03-02', phaseKey: 'test' },
      { type: 'gate', date: '2021-03-02', phaseKey: 'launch' },
      { type: 'step', date: '2021-03-03', stepKey: 'trainers-training-test' },
    ];
    const state = fresh();
    const problems = checkHistory(defi, state, { facts }, ctx);
    expect(problems.map((p) => [p.index, p.code, p.params])).toEqual([
      [0, 'history_date_in_future', { date: '2027-01-01' }],
      [1, 'history_date_before_start', { date: '2020-12-31', start: '2021-01-04' }],
      [2, 'history_unknown_step', { step: 'no-such-step', template: 'DEFI — Destination Formation Innovante' }],
      [3, 'history_unknown_organisation', { organisation: 'org_unknown' }],
      [6, 'history_no_gate', { phase: 'Lancement et cadrage' }],
      [4, 'history_dependency_not_done', { date: '2021-03-01', step: 'Répartition des organismes de formation par phase', dependency: 'Mobilisation des partenaires' }],
      [5, 'history_gate_not_pending', { date: '2021-03-02', phase: 'Phase Test' }],
      [7, 'history_phase_not_open', { date: '2021-03-03', step: 'Temps de formation aux professionnels (Test)', phase: 'Phase Test' }],
    ]);
    expect(problems[5]!.message).toBe('Étape « Répartition des organismes de formation par phase » réalisée le 01/03/2021 avant l’étape « Mobilisation des partenaires » dont elle dépend.');
    expect(problems[0]!.message).toBe('Date 01/01/2027 dans le futur : seul ce qui a déjà eu lieu se saisit a posteriori.');
    // The check works on a copy.
    expect(state).toEqual(fresh());
  });

  it('records a step’s outcome from history, which decides its branches; an outcome step without one, or an outcome on another step, is refused', () => {
    const call = ZTemplate.parse(callForProjectsTemplate);
    const start = () => engine.createInitialState({ programmeId: 'prg_aap', title: 'AAP', template: call, startDate: '2021-06-01', coordinatorId: 'usr_c' }, enteredAt);
    const applying: History['facts'] = [
      { type: 'step', date: '2021-06-15', stepKey: 'partnership' },
      { type: 'step', date: '2021-07-15', stepKey: 'application-file' },
      { type: 'step', date: '2021-07-30', stepKey: 'submission' },
    ];
    const retained = start();
    expect(applyHistory(call, retained, { facts: [...applying, { type: 'step', date: '2021-10-15', stepKey: 'funder-answer', outcome: 'retained' }] }, ctx).problems).toEqual([]);
    expect(retained.steps.find((s) => s.key === 'funder-answer')).toMatchObject({ status: 'completed', outcome: 'retained' });
    expect(retained.phases.map((p) => [p.key, p.status])).toEqual([['applying', 'completed'], ['decision', 'completed'], ['launch', 'active'], ['delivery', 'pending']]);
    expect(retained.steps.find((s) => s.key === 'debrief')!.status).toBe('skipped');
    const notRetained = start();
    expect(applyHistory(call, notRetained, { facts: [...applying, { type: 'step', date: '2021-12-15', stepKey: 'funder-answer', outcome: 'not-retained' }] }, ctx).problems).toEqual([]);
    expect(notRetained.steps.find((s) => s.key === 'debrief')!.status).toBe('active');
    expect(notRetained.phases.find((p) => p.key === 'launch')!.status).not.toBe('active');
    const refused = checkHistory(call, start(), { facts: [...applying, { type: 'step', date: '2021-06-10', stepKey: 'partnership', outcome: 'retained' }, { type: 'step', date: '2021-10-15', stepKey: 'funder-answer' }] }, ctx);
    expect(refused.map((p) => [p.index, p.code, p.message])).toEqual([
      [3, 'history_outcome_invalid', 'Étape « Constitution du partenariat » : elle n’enregistre pas de réponse.'],
      [4, 'history_outcome_invalid', 'Étape « Réponse du financeur » : précisez sa réponse, l’une de : Retenu, Non retenu.'],
    ]);
  });

  it('takes history only before any other action', () => {
    const state = fresh();
    engine.applyAction(engine.recordIndicator, { template: defi, state, now: enteredAt }, { actor: coordinator, key: 'partners-met', value: 3 });
    expect(checkHistory(defi, state, { facts: launch.slice(0, 1) }, ctx).map((p) => p.code)).toEqual(['history_after_activity']);
  });

  it('expands a tender award into the sub-programme’s steps up to the award, on that date, with its winner and scores', () => {
    const history: History = { facts: [{ type: 'award', date: '2021-11-12', childKey: 'tender-evaluation', winner: 'org_didaction', providers: ['org_afpa', 'org_greta'], scores: { org_didaction: { price: 16, technical: 17 }, org_afpa: { price: 12, technical: 11 }, org_greta: { price: 14, technical: 10 } } }] };
    const own = childHistory(tender, history, 'tender-evaluation');
    expect(childHistory(tender, history, 'tender-communication').facts).toEqual([]);
    const state = engine.createInitialState({ programmeId: 'prg_defi.tender-evaluation', title: 'Évaluation', template: tender, startDate: '2021-01-04' }, enteredAt);
    expect(applyHistory(tender, state, own, ctx).problems).toEqual([]);
    const tenderState = state.moduleState.tender as { consulted: string[]; ranking: { organisationId: string; score: number }[]; winner: string };
    expect(tenderState.winner).toBe('org_didaction');
    expect(tenderState.consulted).toEqual(['org_afpa', 'org_greta', 'org_didaction']);
    expect(tenderState.ranking.map((r) => r.organisationId)).toEqual(['org_didaction', 'org_greta', 'org_afpa']);
    expect(state.milestones.map((m) => [m.key, m.at])).toEqual([
      ['consultation-sent', '2021-11-12T10:00:00.000Z'],
      ['assessed', '2021-11-12T10:00:00.000Z'],
      ['awarded', '2021-11-12T10:00:00.000Z'],
      ['award', '2021-11-12T10:00:00.000Z'],
    ]);
    expect(state.steps.find((s) => s.key === 'notify')!.status).toBe('active');
  });

  it('restarts a late step’s overdue reminders from the day of entry, under the real due date', () => {
    const step = { ...fresh().steps[0]!, key: 'digital-tools-delivery', status: 'active' as const, dueAt: '2022-04-04T16:00:00.000Z' };
    const entered = '2026-12-01T09:00:00.000Z';
    const planned = [
      { key: `prg_defi:digital-tools-delivery:due:${entered}`, stepKey: 'digital-tools-delivery', kind: 'due_today' as const, at: 1, dueAt: entered },
      { key: `prg_defi:digital-tools-delivery:overdue-1:${entered}`, stepKey: 'digital-tools-delivery', kind: 'overdue' as const, at: 2, dueAt: entered },
      { key: `prg_defi:digital-tools-delivery:escalation:${entered}`, stepKey: 'digital-tools-delivery', kind: 'escalation' as const, at: 3, dueAt: entered },
    ];
    expect(overdueFromEntry('prg_defi', step, planned)).toEqual([
      { key: 'prg_defi:digital-tools-delivery:history-overdue-1:2022-04-04T16:00:00.000Z', stepKey: 'digital-tools-delivery', kind: 'overdue', at: 2, dueAt: '2022-04-04T16:00:00.000Z' },
      { key: 'prg_defi:digital-tools-delivery:history-escalation:2022-04-04T16:00:00.000Z', stepKey: 'digital-tools-delivery', kind: 'escalation', at: 3, dueAt: '2022-04-04T16:00:00.000Z' },
    ]);
  });
});
