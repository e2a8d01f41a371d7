import { BUILT_IN_TEMPLATES } from '../../templates';
import { apiClient, createUser, startHarness, type Harness, type TestUser } from '../support/harness';
import { driveToCompletion } from '../support/autopilot';
import { expectReadModelInSync } from '../support/read-model';

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
    expect(done.phases.every((p: { status: string }) => p.status === 'completed')).toBe(true);
    const state = await expectReadModelInSync(h, started.body.id);
    expect(state.steps.every((s) => s.status === 'completed')).toBe(true);
    expect(log.filter((l) => l.endsWith('/complete')).length).toBeGreaterThanOrEqual(template.phases.reduce((n, p) => n + p.steps.length, 0));
    // The journal is bounded: one event per change (completing a tender's last step once wrote 999 `programme.completed`).
    const events: { type: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { type: string }[]; nextCursor: string | null } } = await api.get(`/api/v1/programmes/${started.body.id}/events?limit=100${cursor ? `&cursor=${cursor}` : ''}`, coordinator.token);
      events.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    const count = (type: string) => events.filter((e) => e.type === type).length;
    const steps = template.phases.reduce((n, p) => n + p.steps.length, 0);
    expect({ started: count('programme.started'), completed: count('programme.completed'), phases: count('phase.completed'), steps: count('step.completed') }).toEqual({ started: 1, completed: 1, phases: template.phases.length, steps });
    expect(count('step.activated')).toBe(steps);
    expect(count('phase.opened')).toBe(template.phases.length);
    // Every action the autopilot took wrote a bounded number of events: a few per API call, never hundreds.
    expect(events.length).toBeLessThanOrEqual(3 * log.length + 3 * steps + 10);
  });
});
