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

/** Steps repeated for the programme's life (issue 19): such a programme never completes by itself. */
function endlessSeries(template: TemplateInput): string[] {
  return template.phases.flatMap((p) => p.steps).filter((s) => s.repeat && !s.repeat.until).map((s) => s.key);
}

/** How many occurrences of each endless series the autopilot completes before it stops. */
const OCCURRENCES = 2;

/** As far as an endless programme goes: every other step done, and OCCURRENCES of each series. */
function seriesDone(view: { phases: { steps: { key: string; status: string }[] }[] }, series: string[]): boolean {
  const steps = view.phases.flatMap((p) => p.steps);
  const once = steps.filter((s) => !s.key.includes('~'));
  const completed = (key: string) => steps.filter((s) => s.key.startsWith(`${key}~`) && s.status === 'completed').length;
  return once.every((s) => s.status === 'completed' || s.status === 'skipped') && series.every((key) => completed(key) >= OCCURRENCES);
}

/**
 * Every built-in template, from start to completion on the real Temporal server, driven
 * through the public API by a generic coordinator that knows no template by name. A template with
 * a step repeated for the programme's life (governance-cadence, label-renewal, health-hub) runs until every
 * other step and two occurrences of each series are done, and stays active.
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
    const started = await api.post('/api/v1/programmes', { templateKey, title: `Autopilote — ${template.name.fr}`, startDate: '2026-11-28', params: { dates } }, coordinator.token);
    expect(started.status).toBe(201);
    const log: string[] = [];
    const series = endlessSeries(template);
    const done = await driveToCompletion(h, api, coordinator.token, started.body.id, { log, ...(series.length ? { until: (v: any) => seriesDone(v, series) } : {}) });
    expect(done.status).toBe(series.length ? 'active' : 'completed');
    const taken = branchesTaken(template);
    const total = template.phases.reduce((n, p) => n + p.steps.length, 0);
    // An endless series lives in the last phase, which stays open.
    if (series.length) expect(template.phases.at(-1)!.steps.filter((s) => series.includes(s.key)).length).toBe(series.length);
    const open = series.length ? 1 : 0;
    // Every phase completed (but the one an endless series keeps open); those on a branch not taken, skipped.
    expect(done.phases.filter((p: { status: string }) => p.status === 'completed').length).toBe(taken.phases - open);
    expect(done.phases.filter((p: { status: string }) => p.status === 'active').length).toBe(open);
    expect(done.phases.filter((p: { status: string }) => p.status === 'skipped').length).toBe(taken.skippedPhases);
    const state = await expectReadModelInSync(h, started.body.id);
    // A series is one template step run as occurrences: OCCURRENCES done and the next one open, each.
    const occurrences = state.steps.filter((s) => s.key.includes('~'));
    expect(occurrences.filter((s) => s.status === 'completed').length).toBe(OCCURRENCES * series.length);
    expect(occurrences.filter((s) => s.status === 'active').length).toBe(series.length);
    const completedRows = taken.steps - series.length + OCCURRENCES * series.length;
    expect(state.steps.filter((s) => s.status === 'completed').length).toBe(completedRows);
    expect(state.steps.filter((s) => s.status === 'skipped').length).toBe(total - taken.steps);
    expect(log.filter((l) => l.endsWith('/complete')).length).toBeGreaterThanOrEqual(completedRows);
    // The journal is bounded: one event per change (completing a tender's last step once wrote 999 `programme.completed`).
    const events: { type: string }[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: { type: string }[]; nextCursor: string | null } } = await api.get(`/api/v1/programmes/${started.body.id}/events?limit=100${cursor ? `&cursor=${cursor}` : ''}`, coordinator.token);
      events.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    const count = (type: string) => events.filter((e) => e.type === type).length;
    const steps = completedRows;
    expect({ started: count('programme.started'), completed: count('programme.completed'), phases: count('phase.completed'), steps: count('step.completed') }).toEqual({ started: 1, completed: 1 - open, phases: taken.phases - open, steps });
    expect({ phases: count('phase.skipped'), steps: count('step.skipped') }).toEqual({ phases: taken.skippedPhases, steps: taken.skippedSteps });
    // Every step that ran was activated once, the open occurrences too.
    expect(count('step.activated')).toBe(steps + series.length);
    expect(count('phase.opened')).toBe(taken.phases);
    // Every action the autopilot took wrote a bounded number of events: a few per API call, never hundreds.
    expect(events.length).toBeLessThanOrEqual(3 * log.length + 3 * steps + 10);
  });
});
