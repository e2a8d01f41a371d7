import { ZTemplate, type Template, type TemplateInput } from '../../domain/template-schema';
import type { Actor, ProgrammeState } from '../../domain/programme-state';
import * as engine from '../../domain/programme';
import { planUpgrade, upgradeProgramme } from '../../domain/programme';
import { resolveDueInstant } from '../../domain/deadlines';
import { checkWithValidator, perform } from '../support/engine';
import { settleWithoutTemporal, startedState } from '../support/engine-state';
import { engineTestTemplate } from '../support/test-templates';

const coordinator: Actor = { userId: 'usr_c', role: 'coordinator' };
const partner: Actor = { userId: 'usr_p', role: 'partner', organisationId: 'org_c' };
const t0 = new Date('2026-12-01T09:00:00.000Z');
const after = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
const resolveDue = (input: Parameters<typeof resolveDueInstant>[0]) => resolveDueInstant(input, '18:00').toISOString();

const v1 = ZTemplate.parse(engineTestTemplate('upgrade'));
/** Version 2 of the test template, changed by `edit` (a deep copy of version 1's input). */
function v2(edit: (t: TemplateInput) => void, version = 2): Template {
  const input = structuredClone(engineTestTemplate('upgrade')) as TemplateInput;
  edit(input);
  return ZTemplate.parse({ ...input, version });
}
const phaseOf = (t: TemplateInput, key: string) => t.phases.find((p) => p.key === key)!;
const stepOf = (t: TemplateInput, key: string) => t.phases.flatMap((p) => p.steps).find((s) => s.key === key)!;
const reasons = (plan: engine.UpgradePlan) => plan.refusals.map((r) => r.params?.reason);

describe('planUpgrade: what a newer template version changes in a running programme', () => {
  let state: ProgrammeState;
  beforeEach(() => {
    state = startedState(v1, t0);
  });

  it('lists steps added, removed and renamed, by key with their names, and refuses nothing when all is safe', () => {
    const next = v2((t) => {
      stepOf(t, 'kickoff').name = { fr: 'Réunion de lancement du programme', en: 'Programme kick-off meeting' };
      phaseOf(t, 'trial').steps.push({ key: 'debrief', name: { fr: 'Bilan', en: 'Debrief' }, assignee: { kind: 'coordinator' }, dependsOn: ['interviews'] });
      phaseOf(t, 'trial').steps = phaseOf(t, 'trial').steps.filter((s) => s.key !== 'run-trial');
      stepOf(t, 'interviews').dependsOn = [];
    });
    const plan = planUpgrade(v1, state, next);
    expect(plan.refusals).toEqual([]);
    expect({ from: plan.fromVersion, to: plan.toVersion }).toEqual({ from: 1, to: 2 });
    expect(plan.added).toEqual([{ stepKey: 'debrief', phaseKey: 'trial', step: { fr: 'Bilan', en: 'Debrief' }, phase: { fr: 'Expérimentation', en: 'Trial' } }]);
    expect(plan.removed.map((s) => [s.stepKey, s.status])).toEqual([['run-trial', 'pending']]);
    expect(plan.renamed).toEqual([{ stepKey: 'kickoff', before: { fr: 'Réunion de lancement', en: 'Kick-off meeting' }, after: { fr: 'Réunion de lancement du programme', en: 'Programme kick-off meeting' } }]);
  });

  it('computes the moved due date of an open step with the workflow’s due-date code; a step not open yet gets its new rule when it opens', () => {
    perform(engine.completeStep, v1, state, { actor: coordinator, stepKey: 'kickoff' }, after(10));
    // The workflow resolves the report's due date from the kickoff's completion (600 s later).
    engine.setDueDate(state, 'report', resolveDue(engine.dueBase(v1, state, 'report')!), after(10));
    settleWithoutTemporal(v1, state, after(10));
    const next = v2((t) => {
      (stepOf(t, 'report').due as { offset: { amount: number } }).offset.amount = 1200;
      (stepOf(t, 'run-trial').due as { offset: { amount: number } }).offset.amount = 900;
    });
    const plan = planUpgrade(v1, state, next, { resolveDue });
    expect(plan.refusals).toEqual([]);
    const report = plan.dueDates.find((d) => d.stepKey === 'report')!;
    expect(report).toMatchObject({ status: 'active', recompute: true, before: after(610).toISOString(), after: after(1210).toISOString() });
    expect(plan.dueDates.find((d) => d.stepKey === 'run-trial')).toMatchObject({ status: 'pending', recompute: false });
    expect(plan.dueDates.find((d) => d.stepKey === 'run-trial')?.after).toBeUndefined();
    // A rule rewritten to the same instant moves nothing.
    const same = v2((t) => {
      stepOf(t, 'report').due = { from: 'stepCompleted', stepKey: 'kickoff', offset: { amount: 600, unit: 'seconds' } };
      (stepOf(t, 'report') as { description?: unknown }).description = { fr: 'Même échéance', en: 'Same due date' };
    });
    expect(planUpgrade(v1, state, same, { resolveDue }).dueDates).toEqual([]);
  });

  it('refuses to remove a step already done, or one holding deliverables', () => {
    perform(engine.completeStep, v1, state, { actor: coordinator, stepKey: 'kickoff' }, after(10));
    settleWithoutTemporal(v1, state, after(10));
    perform(engine.addDeliverable, v1, state, { actor: partner, stepKey: 'report', deliverable: { id: 'dlv_1', kind: 'report', title: 'Rapport', url: 'https://x.test/r' } }, after(20));
    const next = v2((t) => {
      phaseOf(t, 'framing').steps = [{ key: 'framing-note', name: { fr: 'Note de cadrage', en: 'Framing note' }, assignee: { kind: 'coordinator' } }];
    });
    const plan = planUpgrade(v1, state, next);
    expect(plan.refusals.map((r) => [r.code, r.params])).toEqual([
      ['upgrade_refused', { reason: 'upgrade_step_done_removed', step: { fr: 'Réunion de lancement', en: 'Kick-off meeting' } }],
      ['upgrade_refused', { reason: 'upgrade_step_deliverables_removed', step: { fr: 'Rapport du prestataire', en: "Contractor's report" }, count: 1 }],
    ]);
    // The Update's validator says the same (the workflow decides with this very function).
    expect(checkWithValidator(upgradeProgramme, v1, state, { actor: coordinator, template: next }, after(30))?.params?.reason).toBe('upgrade_step_done_removed');
  });

  it('shows enrolments against capacity and refuses a capacity below the organisations enrolled', () => {
    perform(engine.enrolOrganisation, v1, state, { actor: coordinator, organisationId: 'org_a', phaseKey: 'trial' }, after(1));
    perform(engine.enrolOrganisation, v1, state, { actor: coordinator, organisationId: 'org_b', phaseKey: 'trial' }, after(2));
    const wider = planUpgrade(v1, state, v2((t) => (phaseOf(t, 'trial').capacity = { min: 1, max: 4 })));
    expect(wider.capacity).toEqual([{ phaseKey: 'trial', phase: { fr: 'Expérimentation', en: 'Trial' }, enrolled: 2, before: 2, after: 4 }]);
    expect(wider.refusals).toEqual([]);
    const narrower = planUpgrade(v1, state, v2((t) => (phaseOf(t, 'trial').capacity = { min: 1, max: 1 })));
    expect(narrower.refusals.map((r) => r.params)).toEqual([{ reason: 'upgrade_capacity_below_enrolments', phase: { fr: 'Expérimentation', en: 'Trial' }, enrolled: 2, maximum: 1 }]);
  });

  it('refuses another template, a version that is not newer, a closed programme and phases out of order', () => {
    const other = ZTemplate.parse({ ...engineTestTemplate('other'), version: 3 });
    expect(reasons(planUpgrade(v1, state, other))).toEqual(['upgrade_template_key_changed']);
    expect(reasons(planUpgrade(v1, state, v1))).toEqual(['upgrade_version_not_newer']);
    const early = v2((t) => t.phases.unshift({ key: 'warm-up', name: { fr: 'Échauffement', en: 'Warm-up' }, steps: [{ key: 'hello', name: { fr: 'Bonjour', en: 'Hello' }, assignee: { kind: 'coordinator' } }] }));
    expect(planUpgrade(v1, state, early).refusals.map((r) => r.params)).toEqual([{ reason: 'upgrade_phase_order', phase: { fr: 'Échauffement', en: 'Warm-up' }, opened: { fr: 'Cadrage', en: 'Framing' } }]);
    // A new phase after the current one is fine.
    const late = v2((t) => t.phases.push({ key: 'wrap-up', name: { fr: 'Clôture', en: 'Wrap-up' }, steps: [{ key: 'bye', name: { fr: 'Au revoir', en: 'Bye' }, assignee: { kind: 'coordinator' } }] }));
    const plan = planUpgrade(v1, state, late);
    expect(plan.refusals).toEqual([]);
    expect(plan.phasesAdded).toEqual([{ phaseKey: 'wrap-up', phase: { fr: 'Clôture', en: 'Wrap-up' } }]);
    perform(engine.cancelProgramme, v1, state, { actor: coordinator, reason: 'Arrêt du financement' }, after(5));
    expect(planUpgrade(v1, state, late).refusals.map((r) => [r.code, r.params?.reason])).toEqual([['programme_not_active', 'programme_status']]);
  });

  it('refuses to remove a phase that has begun, or to move a begun step to another phase', () => {
    const withoutFraming = v2((t) => {
      t.phases = t.phases.filter((p) => p.key !== 'framing');
    });
    expect(reasons(planUpgrade(v1, state, withoutFraming))).toContain('upgrade_phase_removed_started');
    const moved = v2((t) => {
      const kickoff = stepOf(t, 'kickoff');
      phaseOf(t, 'framing').steps = phaseOf(t, 'framing').steps.filter((s) => s.key !== 'kickoff');
      stepOf(t, 'report').dependsOn = [];
      stepOf(t, 'report').due = undefined;
      phaseOf(t, 'trial').steps.unshift(kickoff);
    });
    expect(reasons(planUpgrade(v1, state, moved))).toEqual(['upgrade_step_moved_started']);
  });
});

describe('upgradeProgramme: applying a safe plan', () => {
  it('takes the new version: steps in its order, new steps waiting, removed ones gone, a journal entry naming who', () => {
    const state = startedState(v1, t0);
    perform(engine.completeStep, v1, state, { actor: coordinator, stepKey: 'kickoff' }, after(10));
    settleWithoutTemporal(v1, state, after(10));
    const next = v2((t) => {
      stepOf(t, 'report').name = { fr: 'Rapport intermédiaire', en: 'Interim report' };
      (stepOf(t, 'report').due as { offset: { amount: number } }).offset.amount = 1200;
      phaseOf(t, 'framing').steps.push({ key: 'minutes', name: { fr: 'Compte rendu', en: 'Minutes' }, assignee: { kind: 'coordinator' }, dependsOn: ['kickoff'] });
      phaseOf(t, 'trial').steps = phaseOf(t, 'trial').steps.filter((s) => s.key !== 'interviews');
      t.indicators!.push({ key: 'sessions', name: { fr: 'Séances', en: 'Sessions' } });
    });
    expect(checkWithValidator(upgradeProgramme, v1, state, { actor: coordinator, template: next }, after(20))).toBeUndefined();
    expect(checkWithValidator(upgradeProgramme, v1, state, { actor: partner, template: next }, after(20))?.params?.reason).toBe('coordinator_only');
    const version = state.version;
    const { result } = perform(upgradeProgramme, v1, state, { actor: coordinator, template: next }, after(20));
    expect(result.needDueDate).toEqual(['report']);
    expect(state.templateVersion).toBe(2);
    expect(state.version).toBeGreaterThan(version);
    expect(state.steps.map((s) => [s.key, s.phaseKey, s.position, s.status])).toEqual([
      ['kickoff', 'framing', 0, 'completed'],
      ['report', 'framing', 1, 'active'],
      ['minutes', 'framing', 2, 'pending'],
      ['run-trial', 'trial', 3, 'pending'],
    ]);
    expect(state.indicators.sessions).toBe(0);
    const event = state.pendingEvents.at(-1)!;
    expect({ type: event.type, actorId: event.actorId, data: event.data }).toEqual({
      type: 'programme.upgraded',
      actorId: 'usr_c',
      data: { fromVersion: 1, toVersion: 2, added: ['minutes'], removed: ['interviews'], renamed: ['report'], dueChanged: ['report'] },
    });
    // The engine runs on with the new version: the added step opens (its dependency is done).
    settleWithoutTemporal(next, state, after(21));
    expect(engine.stepState(state, 'minutes')?.status).toBe('active');
    // Applied once: the same version again is refused, so a repeated request changes nothing.
    expect(checkWithValidator(upgradeProgramme, next, state, { actor: coordinator, template: next }, after(22))?.params?.reason).toBe('upgrade_version_not_newer');
  });
});
