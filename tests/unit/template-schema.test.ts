import { findDependencyCycle, validateTemplate, type TemplateInput } from '../../domain/template-schema';

function template(overrides: Partial<TemplateInput> = {}): TemplateInput {
  return {
    key: 'sample',
    version: 1,
    name: { fr: 'Exemple', en: 'Sample' },
    phases: [
      {
        key: 'one',
        name: { fr: 'Un', en: 'One' },
        steps: [
          { key: 'a', name: { fr: 'A', en: 'A' }, assignee: { kind: 'coordinator' } },
          { key: 'b', name: { fr: 'B', en: 'B' }, assignee: { kind: 'coordinator' }, dependsOn: ['a'] },
        ],
      },
    ],
    ...overrides,
  };
}

describe('template validation', () => {
  it('accepts a valid template and fills defaults', () => {
    const result = validateTemplate(template());
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.template.reminders).toEqual({ unit: 'days', beforeDue: [7, 1], onDue: true, overdueEvery: 3, escalateAfter: 2 });
      expect(result.template.phases[0]!.steps[0]!.deliverables).toEqual([]);
    }
  });

  it('reports a dependency cycle with the steps involved', () => {
    const t = template();
    t.phases[0]!.steps[0]!.dependsOn = ['b'];
    const result = validateTemplate(t);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toContainEqual({ path: 'phases', message: 'dependency cycle: a → b → a' });
  });

  it('lists every cross-reference problem at once, each with its path', () => {
    const t = template({
      dateParams: [],
      children: [],
      phases: [
        {
          key: 'one',
          name: { fr: 'Un', en: 'One' },
          gate: { requiresChildren: [{ child: 'ghost' }] },
          capacity: { min: 3, max: 2 },
          steps: [
            { key: 'a', name: { fr: 'A', en: 'A' }, assignee: { kind: 'coordinator' }, dependsOn: ['missing'] },
            { key: 'b', name: { fr: 'B', en: 'B' }, assignee: { kind: 'coordinator' }, due: { from: 'stepCompleted', stepKey: 'nowhere', offset: { amount: 1, unit: 'calendarDays' } } },
            { key: 'c', name: { fr: 'C', en: 'C' }, assignee: { kind: 'coordinator' }, due: { from: 'param', param: 'deadline' }, indicator: { key: 'unknown', atLeast: 1 } },
            { key: 'a', name: { fr: 'A2', en: 'A2' }, assignee: { kind: 'coordinator' } },
          ],
        },
      ],
    });
    const result = validateTemplate(t);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toEqual(
      expect.arrayContaining([
        { path: 'phases.0.capacity.min', message: 'min capacity exceeds max capacity' },
        { path: 'phases.0.steps.3.key', message: 'duplicate step key "a"' },
        { path: 'phases.0.gate.requiresChildren.0.child', message: 'unknown child "ghost"' },
        { path: 'phases.0.steps.0.dependsOn.0', message: 'unknown step "missing"' },
        { path: 'phases.0.steps.1.due.stepKey', message: 'unknown step "nowhere"' },
        { path: 'phases.0.steps.2.due.param', message: '"deadline" is not declared in dateParams' },
        { path: 'phases.0.steps.2.indicator.key', message: 'unknown indicator "unknown"' },
      ]),
    );
    expect(result.problems.length).toBeGreaterThanOrEqual(7);
  });

  it('refuses a capacity below 1 and structural mistakes, listing them all', () => {
    const result = validateTemplate({
      key: 'Bad Key',
      version: 0,
      name: { fr: '' },
      phases: [{ key: 'p', name: { fr: 'P', en: 'P' }, capacity: { max: 0 }, steps: [] }],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['key', 'version', 'name.fr', 'name.en', 'phases.0.capacity.max', 'phases.0.steps']));
    expect(result.problems.find((p) => p.path === 'phases.0.capacity.max')!.message).toBe('capacity must be at least 1');
  });

  it('refuses a step depending on a later phase', () => {
    const t = template();
    t.phases.push({ key: 'two', name: { fr: 'Deux', en: 'Two' }, steps: [{ key: 'c', name: { fr: 'C', en: 'C' }, assignee: { kind: 'coordinator' } }] });
    t.phases[0]!.steps[0]!.dependsOn = ['c'];
    const result = validateTemplate(t);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toContainEqual({ path: 'phases.0.steps.0.dependsOn.0', message: 'step "c" belongs to a later phase' });
  });

  it('finds no cycle in a diamond', () => {
    expect(findDependencyCycle([{ key: 'a', dependsOn: [] }, { key: 'b', dependsOn: ['a'] }, { key: 'c', dependsOn: ['a'] }, { key: 'd', dependsOn: ['b', 'c'] }])).toBeUndefined();
  });
});
