import * as engine from '../../domain/programme';
import type { Actor, ProgrammeState } from '../../domain/programme-state';
import { checkTemplateDraft } from '../../domain/template-problems';
import { previewTemplateTimeline } from '../../domain/template-preview';
import { ZTemplate, type Template, type TemplateInput } from '../../domain/template-schema';
import { DEFAULT_DUE_TIME } from '../../infra/config';
import { checkWithValidator, perform } from '../support/engine';

/** A call for projects (AAP): submit, decision retained / not retained, then either kick-off or a debrief. */
function callForProjects(): TemplateInput {
  return {
    key: 'aap-branches',
    version: 1,
    name: { fr: 'Appel à projets', en: 'Call for projects' },
    nonWorkingDays: 'nextWorkingDay',
    phases: [
      {
        key: 'application',
        name: { fr: 'Candidature', en: 'Application' },
        steps: [
          { key: 'submit', name: { fr: 'Dépôt', en: 'Submission' }, assignee: { kind: 'coordinator' }, due: { from: 'programmeStart', offset: { amount: 30, unit: 'calendarDays' } } },
          { key: 'decision', name: { fr: 'Décision', en: 'Decision' }, assignee: { kind: 'coordinator' }, dependsOn: ['submit'], outcomes: ['retained', 'not-retained'], due: { from: 'stepCompleted', stepKey: 'submit', offset: { amount: 60, unit: 'calendarDays' } } },
          { key: 'debrief', name: { fr: 'Retour d’expérience', en: 'Debrief' }, assignee: { kind: 'coordinator' }, dependsOn: ['decision'], when: { step: 'decision', outcome: 'not-retained' }, due: { from: 'stepCompleted', stepKey: 'decision', offset: { amount: 15, unit: 'calendarDays' } } },
        ],
      },
      {
        key: 'execution',
        name: { fr: 'Mise en œuvre', en: 'Execution' },
        when: { step: 'decision', outcome: 'retained' },
        steps: [
          { key: 'kickoff', name: { fr: 'Lancement', en: 'Kick-off' }, assignee: { kind: 'coordinator' }, due: { from: 'phaseStart', offset: { amount: 10, unit: 'calendarDays' } } },
          { key: 'report', name: { fr: 'Bilan', en: 'Report' }, assignee: { kind: 'coordinator' }, dependsOn: ['kickoff'] },
        ],
      },
    ],
    labels: { roles: {}, milestones: {}, dateParams: {}, outcomes: { retained: { fr: 'Retenu', en: 'Retained' }, 'not-retained': { fr: 'Non retenu', en: 'Not retained' } } },
  };
}

const coordinator: Actor = { userId: 'usr_coord', role: 'coordinator' };
const NOW = new Date('2027-01-04T09:00:00Z');

function start(t: Template): ProgrammeState {
  const state = engine.createInitialState({ programmeId: 'prg_aap', title: 'AAP', template: t, startDate: '2027-01-04' }, NOW);
  engine.advance(t, state, NOW);
  return state;
}
function complete(t: Template, state: ProgrammeState, stepKey: string, outcome?: string) {
  const input = { actor: coordinator, stepKey, ...(outcome ? { outcome } : {}) };
  const refusal = checkWithValidator(engine.completeStep, t, state, input, NOW);
  if (!refusal) {
    perform(engine.completeStep, t, state, input, NOW);
    engine.advance(t, state, NOW);
  }
  return refusal;
}

describe('outcome branches: the template schema', () => {
  it('accepts outcome lists and conditions on earlier steps, with a French name for each outcome', () => {
    expect(checkTemplateDraft(callForProjects()).problems).toEqual([]);
  });

  it('says which outcome is unnamed, which step or outcome a condition names that does not exist, and which condition looks ahead', () => {
    const input = callForProjects();
    delete input.labels!.outcomes!['not-retained'];
    input.phases[1]!.when = { step: 'decision', outcome: 'maybe' };
    input.phases[0]!.steps[2]!.when = { step: 'nowhere', outcome: 'retained' };
    input.phases[0]!.steps[0]!.when = { step: 'decision', outcome: 'retained' };
    const problems = checkTemplateDraft(input).problems.map((p) => ({ path: p.path, code: p.code, values: p.values }));
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'labels.outcomes.not-retained.fr', code: 'label_missing_outcomes', values: { key: 'not-retained' } },
        { path: 'phases.1.when.outcome', code: 'unknown_outcome', values: { key: 'maybe' } },
        { path: 'phases.0.steps.2.when.step', code: 'unknown_step', values: { key: 'nowhere' } },
        { path: 'phases.0.steps.0.when.step', code: 'branch_step_not_earlier', values: { key: 'decision' } },
      ]),
    );
    expect(problems).toHaveLength(4);
  });

  it('refuses a condition on a step that lists no outcome, and an outcome listed twice', () => {
    const input = callForProjects();
    input.phases[1]!.when = { step: 'submit', outcome: 'retained' };
    input.phases[0]!.steps[1]!.outcomes = ['retained', 'retained'];
    const codes = checkTemplateDraft(input).problems.map((p) => `${p.path} ${p.code}`);
    expect(codes).toEqual(expect.arrayContaining(['phases.1.when.step step_without_outcomes', 'phases.0.steps.1.outcomes.1 duplicate_outcome']));
  });
});

describe('outcome branches: the lifecycle', () => {
  const t = ZTemplate.parse(callForProjects());

  it('needs an outcome from the list to complete the decision, and refuses one on a step without outcomes', () => {
    const state = start(t);
    expect(complete(t, state, 'submit', 'retained')).toMatchObject({ code: 'invalid_outcome', params: { reason: 'outcome_not_listed' } });
    expect(complete(t, state, 'submit')).toBeUndefined();
    expect(complete(t, state, 'decision')).toMatchObject({ code: 'invalid_outcome', params: { reason: 'outcome_required', step: { fr: 'Décision' } } });
    expect(complete(t, state, 'decision', 'perhaps')).toMatchObject({ code: 'invalid_outcome', params: { reason: 'outcome_not_listed' } });
    expect(engine.stepState(state, 'decision')!.status).toBe('active');
  });

  it('retained: opens the execution phase and skips the debrief (not late, not reminded, counted as done)', () => {
    const state = start(t);
    complete(t, state, 'submit');
    expect(complete(t, state, 'decision', 'retained')).toBeUndefined();
    expect(engine.stepState(state, 'decision')!.outcome).toBe('retained');
    expect(engine.stepState(state, 'debrief')!.status).toBe('skipped');
    expect(engine.phaseState(state, 'application')!.status).toBe('completed');
    expect(engine.phaseState(state, 'execution')!.status).toBe('active');
    expect(engine.stepState(state, 'kickoff')!.status).toBe('active');
    expect(state.pendingEvents.filter((e) => e.type === 'step.skipped').map((e) => e.data)).toEqual([{ stepKey: 'debrief', branchStep: 'decision', branchOutcome: 'not-retained' }]);
    // A skipped step is never late and plans no reminder.
    engine.setDueDate(state, 'kickoff', '2027-01-20T17:00:00.000Z', NOW);
    expect(engine.markLateSteps(state, Date.parse('2030-01-01'))).toEqual(['kickoff']);
    expect(engine.pendingReminders(t, state).every((r) => r.stepKey === 'kickoff')).toBe(true);
  });

  it('not retained: the debrief opens, the execution phase and its steps are skipped, and the programme completes', () => {
    const state = start(t);
    complete(t, state, 'submit');
    complete(t, state, 'decision', 'not-retained');
    expect(engine.stepState(state, 'debrief')!.status).toBe('active');
    expect(complete(t, state, 'debrief')).toBeUndefined();
    expect(engine.phaseState(state, 'execution')!.status).toBe('skipped');
    expect(['kickoff', 'report'].map((k) => engine.stepState(state, k)!.status)).toEqual(['skipped', 'skipped']);
    expect(state.status).toBe('completed');
    expect(engine.nextWakeAt(t, state)).toBeUndefined();
  });

  it('the preview shows which phase hangs on which outcome, for the outcome assumed (the first by default)', () => {
    const retained = previewTemplateTimeline(t, '2027-01-04', {}, DEFAULT_DUE_TIME);
    expect(retained.phases.map((p) => ({ key: p.phaseKey, when: p.when, skipped: p.skipped }))).toEqual([
      { key: 'application', when: undefined, skipped: undefined },
      { key: 'execution', when: { step: 'decision', outcome: 'retained' }, skipped: undefined },
    ]);
    expect(retained.steps.find((s) => s.stepKey === 'decision')!.outcome).toBe('retained');
    expect(retained.steps.find((s) => s.stepKey === 'debrief')).toMatchObject({ skipped: true, when: { step: 'decision', outcome: 'not-retained' } });
    const refused = previewTemplateTimeline(t, '2027-01-04', {}, DEFAULT_DUE_TIME, { outcomes: { decision: 'not-retained' } });
    expect(refused.phases.find((p) => p.phaseKey === 'execution')).toMatchObject({ skipped: true, when: { step: 'decision', outcome: 'retained' } });
    expect(refused.steps.find((s) => s.stepKey === 'debrief')!.dueAt).toEqual(expect.any(String));
  });
});
