import { DEFAULT_DUE_TIME } from '../../infra/config';
import { checkTemplateDraft, checkTemplateForPublication } from '../../domain/template-problems';
import { engineTestTemplate } from '../support/test-templates';
import { previewTemplateTimeline } from '../../domain/template-preview';
import { diffTemplates } from '../../domain/template-diff';
import { ZTemplate, type TemplateInput } from '../../domain/template-schema';
import { BUILT_IN_TEMPLATES } from '../../templates';

function draft(overrides: Partial<TemplateInput> = {}): TemplateInput {
  return {
    key: 'sample',
    version: 1,
    name: { fr: 'Exemple', en: 'Sample' },
    nonWorkingDays: 'nextWorkingDay',
    dateParams: ['kickoff'],
    labels: { dateParams: { kickoff: { fr: 'Date de la réunion de lancement' } } },
    phases: [
      {
        key: 'one',
        name: { fr: 'Un', en: 'One' },
        steps: [
          { key: 'a', name: { fr: 'A', en: 'A' }, assignee: { kind: 'coordinator' }, due: { from: 'programmeStart', offset: { amount: 5, unit: 'calendarDays' } } },
          { key: 'b', name: { fr: 'B', en: 'B' }, assignee: { kind: 'coordinator' }, dependsOn: ['a'], due: { from: 'stepCompleted', stepKey: 'a', offset: { amount: 2, unit: 'workingDays' } } },
        ],
      },
      {
        key: 'two',
        name: { fr: 'Deux', en: 'Two' },
        gate: { requiresChildren: [] },
        steps: [
          { key: 'c', name: { fr: 'C', en: 'C' }, assignee: { kind: 'coordinator' }, due: { from: 'phaseStart', offset: { amount: 1, unit: 'calendarDays' } }, milestone: true },
          { key: 'd', name: { fr: 'D', en: 'D' }, assignee: { kind: 'coordinator' }, dependsOn: ['c'] },
          { key: 'e', name: { fr: 'E', en: 'E' }, assignee: { kind: 'coordinator' }, due: { from: 'param', param: 'kickoff' } },
        ],
      },
    ],
    ...overrides,
  };
}

describe('template draft problems (codes for the editor)', () => {
  it('accepts a valid draft', () => {
    expect(checkTemplateDraft(draft()).problems).toEqual([]);
  });

  it('codes a missing French name, a bad key and a negative offset with their field paths', () => {
    const t = draft();
    t.phases[0]!.steps[0]!.name = { fr: '', en: 'A' };
    t.phases[0]!.steps[1]!.key = 'B B';
    t.phases[1]!.steps[0]!.due = { from: 'phaseStart', offset: { amount: -1, unit: 'calendarDays' } };
    const problems = checkTemplateDraft(t).problems.map((p) => ({ path: p.path, code: p.code, values: p.values }));
    expect(problems).toEqual(
      expect.arrayContaining([
        { path: 'phases.0.steps.0.name.fr', code: 'required', values: { minimum: 1 } },
        { path: 'phases.0.steps.1.key', code: 'key_format', values: {} },
        { path: 'phases.1.steps.0.due.offset.amount', code: 'too_small', values: { minimum: 0 } },
      ]),
    );
  });

  it('codes the cross-field rules with their values', () => {
    const t = draft({ dateParams: [] });
    t.phases[0]!.steps[1]!.dependsOn = ['zz'];
    t.phases[1]!.steps[1]!.key = 'a';
    const problems = checkTemplateDraft(t).problems;
    expect(problems.find((p) => p.path === 'phases.0.steps.1.dependsOn.0')).toMatchObject({ code: 'unknown_step', values: { key: 'zz' } });
    expect(problems.find((p) => p.path === 'phases.1.steps.1.key')).toMatchObject({ code: 'duplicate_step_key', values: { key: 'a' } });
    expect(problems.find((p) => p.path === 'phases.1.steps.2.due.param')).toMatchObject({ code: 'undeclared_date_param', values: { key: 'kickoff' } });
  });

  it('codes a date outside the accepted range and a bad date format', () => {
    const t = draft();
    t.phases[0]!.steps[0]!.due = { from: 'date', date: '2200-01-01' };
    t.phases[1]!.steps[0]!.due = { from: 'date', date: '01/02/2027' };
    const problems = checkTemplateDraft(t).problems;
    expect(problems.find((p) => p.path === 'phases.0.steps.0.due.date')?.code).toBe('date_out_of_range');
    expect(problems.find((p) => p.path === 'phases.1.steps.0.due.date')?.code).toBe('date_format');
  });

  it('codes an unknown assignee kind as an invalid choice', () => {
    const t = draft() as unknown as { phases: { steps: { assignee: unknown }[] }[] };
    t.phases[0]!.steps[0]!.assignee = { kind: 'nobody' };
    expect(checkTemplateDraft(t).problems.find((p) => p.path.startsWith('phases.0.steps.0.assignee'))?.code).toBe('invalid_choice');
  });
});

describe('timeline preview (engine + working calendar)', () => {
  const t = ZTemplate.parse(draft());

  it('plans due dates with offsets, working days, the non-working-day rule and gates', () => {
    // Monday 21 December 2026: +5 calendar days is Saturday 26 (after Christmas) → Monday 28, 18:00 Paris.
    const preview = previewTemplateTimeline(t, '2026-12-21', { kickoff: '2027-01-15' }, DEFAULT_DUE_TIME);
    const byKey = Object.fromEntries(preview.steps.map((s) => [s.stepKey, s]));
    expect(byKey.a!.dueAt).toBe('2026-12-28T17:00:00.000Z');
    expect(byKey.a!.movedFrom).toBe('2026-12-26T17:00:00.000Z');
    // Completed on its due date; +2 working days: Tuesday 29, Wednesday 30.
    expect(byKey.b!.opensAt).toBe('2026-12-28T17:00:00.000Z');
    expect(byKey.b!.dueAt).toBe('2026-12-30T17:00:00.000Z');
    expect(byKey.b!.movedFrom).toBeUndefined();
    // Phase two opens (gate approved) when phase one closes; +1 day is Thursday 31.
    expect(preview.phases).toEqual([
      { phaseKey: 'one', opensAt: '2026-12-21T08:00:00.000Z', closesAt: '2026-12-30T17:00:00.000Z', gate: false },
      { phaseKey: 'two', opensAt: '2026-12-30T17:00:00.000Z', closesAt: '2027-01-15T17:00:00.000Z', gate: true },
    ]);
    expect(byKey.c).toMatchObject({ dueAt: '2026-12-31T17:00:00.000Z', milestone: true });
    expect(byKey.d!.dueAt).toBeUndefined();
    expect(byKey.d!.opensAt).toBe('2026-12-31T17:00:00.000Z');
    expect(byKey.e!.dueAt).toBe('2027-01-15T17:00:00.000Z');
    expect(preview.endsAt).toBe('2027-01-15T17:00:00.000Z');
  });

  it('reports a date parameter that was not supplied instead of inventing a date', () => {
    const preview = previewTemplateTimeline(t, '2026-12-21', {}, DEFAULT_DUE_TIME);
    expect(preview.steps.find((s) => s.stepKey === 'e')).toMatchObject({ problem: 'missing_date_param', param: 'kickoff' });
    expect(preview.steps.find((s) => s.stepKey === 'e')!.dueAt).toBeUndefined();
  });

  it('keeps a weekend due date when the rule is none', () => {
    const preview = previewTemplateTimeline(ZTemplate.parse(draft({ nonWorkingDays: 'none' })), '2026-12-21', { kickoff: '2027-01-15' }, DEFAULT_DUE_TIME);
    expect(preview.steps[0]!.dueAt).toBe('2026-12-26T17:00:00.000Z');
  });

  it('validates and previews every built-in template, with a due date for every dated step', () => {
    for (const input of BUILT_IN_TEMPLATES) {
      expect(checkTemplateForPublication(input).problems).toEqual([]);
      const template = ZTemplate.parse(input);
      const dates = Object.fromEntries(template.dateParams.map((p) => [p, '2027-03-15']));
      const preview = previewTemplateTimeline(template, '2027-01-04', dates, DEFAULT_DUE_TIME);
      const all = template.phases.flatMap((p) => p.steps);
      // A recurring step (issue 19) is listed once per occurrence, each with its due date.
      expect([...new Set(preview.steps.map((s) => s.stepKey))]).toEqual(all.map((s) => s.key));
      for (const s of all) if (s.due || s.repeat) for (const p of preview.steps.filter((x) => x.stepKey === s.key)) expect(p.dueAt).toEqual(expect.any(String));
      expect(preview.phases).toHaveLength(template.phases.length);
    }
  });
});

describe('template diff', () => {
  it('lists added, removed, renamed, moved and re-timed elements', () => {
    const before = ZTemplate.parse(draft());
    const next = draft();
    next.phases[0]!.steps[0]!.name = { fr: 'A bis', en: 'A bis' };
    next.phases[0]!.steps[1]!.due = { from: 'stepCompleted', stepKey: 'a', offset: { amount: 3, unit: 'workingDays' } };
    next.phases[0]!.steps.push({ ...next.phases[1]!.steps.splice(1, 1)[0]!, dependsOn: [] });
    next.phases[1]!.steps.splice(1, 1);
    next.phases[1]!.steps.push({ key: 'f', name: { fr: 'F', en: 'F' }, assignee: { kind: 'coordinator' } });
    next.indicators = [{ key: 'visits', name: { fr: 'Visites', en: 'Visits' }, target: 10 }];
    next.nonWorkingDays = 'previousWorkingDay';
    const changes = diffTemplates(before, ZTemplate.parse(next));
    expect(changes).toEqual(
      expect.arrayContaining([
        { kind: 'changed', target: 'template', key: 'sample', field: 'nonWorkingDays', before: 'nextWorkingDay', after: 'previousWorkingDay' },
        { kind: 'changed', target: 'step', key: 'a', field: 'name', before: { fr: 'A', en: 'A' }, after: { fr: 'A bis', en: 'A bis' } },
        { kind: 'changed', target: 'step', key: 'b', field: 'due', before: { from: 'stepCompleted', stepKey: 'a', offset: { amount: 2, unit: 'workingDays' } }, after: { from: 'stepCompleted', stepKey: 'a', offset: { amount: 3, unit: 'workingDays' } } },
        { kind: 'moved', target: 'step', key: 'd', before: 'two', after: 'one' },
        { kind: 'changed', target: 'step', key: 'd', field: 'dependsOn', before: ['c'], after: [] },
        { kind: 'removed', target: 'step', key: 'e', phaseKey: 'two' },
        { kind: 'added', target: 'step', key: 'f', phaseKey: 'two' },
        { kind: 'added', target: 'indicator', key: 'visits' },
      ]),
    );
    expect(changes).toHaveLength(8);
  });

  it('finds nothing between a version and its copy', () => {
    const t = ZTemplate.parse(draft());
    expect(diffTemplates(t, ZTemplate.parse(JSON.parse(JSON.stringify(draft()))))).toEqual([]);
  });
});

describe('what people may publish', () => {
  it('refuses the seconds unit of tests wherever it is used, and says where', () => {
    const input = engineTestTemplate('seconds-everywhere');
    expect(checkTemplateDraft(input).problems).toEqual([]);
    const problems = checkTemplateForPublication(input).problems.map((p) => `${p.path} ${p.code}`);
    expect(problems).toContain('reminders.unit unit_for_tests_only');
    expect(problems).toContain('phases.0.steps.1.due.offset.unit unit_for_tests_only');
    expect(checkTemplateForPublication(draft()).problems).toEqual([]);
  });
});

describe('the diff of a periodic indicator', () => {
  it('says an indicator became monthly, with a target per month and a role entering it', () => {
    const before = ZTemplate.parse({ ...draft(), indicators: [{ key: 'visits', name: { fr: 'Visites', en: 'Visits' } }] });
    const after = ZTemplate.parse({ ...draft(), indicators: [{ key: 'visits', name: { fr: 'Visites', en: 'Visits' }, period: 'month', targetPerPeriod: 600 }] });
    expect(diffTemplates(before, after).filter((c) => c.target === 'indicator')).toEqual([
      { kind: 'changed', target: 'indicator', key: 'visits', field: 'period', before: undefined, after: 'month' },
      { kind: 'changed', target: 'indicator', key: 'visits', field: 'targetPerPeriod', before: undefined, after: 600 },
    ]);
  });
});
