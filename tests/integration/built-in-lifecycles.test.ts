import type { TemplateInput } from '../../domain/template-schema';
import { BUILT_IN_TEMPLATES } from '../../templates';
import { apiClient, createUser, startHarness, type Harness, type TestUser } from '../support/harness';
import { driveToCompletion } from '../support/autopilot';
import { expectReadModelInSync } from '../support/read-model';

/**
 * The branches the autopilot takes (the first outcome of every step listing outcomes, issue 19):
 * the phases and steps that run, and those skipped on a branch not taken. A step of a skipped
 * phase is skipped with it (one `phase.skipped`); a step skipped alone writes one `step.skipped`.
 */
function branchesTaken(template: TemplateInput) {
  const all = template.phases.flatMap((p) => p.steps);
  const taken = (when?: { step: string; outcome: string }) => !when || all.find((s) => s.key === when.step)?.outcomes?.[0] === when.outcome;
  const phases = template.phases.filter((p) => taken(p.when));
  const stepsOfPhases = phases.flatMap((p) => p.steps);
  const steps = stepsOfPhases.filter((s) => taken(s.when));
  return { phases: phases.length, steps: steps.length, skippedPhases: template.phases.length - phases.length, skippedSteps: stepsOfPhases.length - steps.length };
}

/**
 * Every built-in template, from start to completion on the real Temporal server, driven
 * through the public API by a generic coordinator that knows no template by name.
 */
describe('every built-in lifecycle runs to completion', () => {
  let h: Harness;
  let api: ReturnType<typeof apiClient>;
  let coordinator: TestUser;
  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    api = apiClient(h.apiUrl);
    coordinator = await createUser(h, 'coordinator');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it.each(BUILT_IN_TEMPLATES.map((t) => [t.key]))('%s', async (templateKey) => {
    const template = BUILT_IN_TEMPLATES.find((t) => t.key === templateKey)!;
    const dates = Object.fromEntries((template.dateParams ?? []).map((p) => [p, new Date(Date.now() + 30 * 86_400_000).toISOString()]));
    const started = await api.post('/api/v1/programmes', { templateKey, title: `Autopilote ${templateKey}`, startDate: '2026-11-28', params: { dates } }, coordinator.token);
    expect(started.status).toBe(201);
    const log: string[] = [];
    const done = await driveToCompletion(h, api, coordinator.token, started.body.id, { log });
    expect(done.status).toBe('completed');
    const taken = branchesTaken(template);
    const total = template.phases.reduce((n, p) => n + p.steps.length, 0);
    // Every phase completed, but those on a branch not taken, skipped.
    expect(done.phases.filter((p: { status: string }) => p.status === 'completed').length).toBe(taken.phases);
    expect(done.phases.filter((p: { status: string }) => p.status === 'skipped').length).toBe(taken.skippedPhases);
    const state = await expectReadModelInSync(h, started.body.id);
    expect(state.steps.filter((s) => s.status === 'completed').length).toBe(taken.steps);
    expect(state.steps.filter((s) => s.status === 'skipped').length).toBe(total - taken.steps);
    expect(log.filter((l) => l.endsWith('/complete')).length).toBeGreaterThanOrEqual(taken.steps);
    // The journal is bounded: one event per change (completing a tender's last step once wrote 999 `programme.completed`).
    const events: { type: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { type: string }[]; nextCursor: string | null } } = await api.get(`/api/v1/programmes/${started.body.id}/events?limit=100${cursor ? `&cursor=${cursor}` : ''}`, coordinator.token);
      events.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    const count = (type: string) => events.filter((e) => e.type === type).length;
    const steps = taken.steps;
    expect({ started: count('programme.started'), completed: count('programme.completed'), phases: count('phase.completed'), steps: count('step.completed') }).toEqual({ started: 1, completed: 1, phases: taken.phases, steps });
    expect({ phases: count('phase.skipped'), steps: count('step.skipped') }).toEqual({ phases: taken.skippedPhases, steps: taken.skippedSteps });
    expect(count('step.activated')).toBe(steps);
    expect(count('phase.opened')).toBe(taken.phases);
    // Every action the autopilot took wrote a bounded number of events: a few per API call, never hundreds.
    expect(events.length).toBeLessThanOrEqual(3 * log.length + 3 * steps + 10);
  });
});
