import type { TemplateInput } from '../../domain/template-schema';
import { apiClient, createUser, startHarness, waitFor, type Harness, type TestUser } from '../support/harness';

/** The programme view's steps, phase after phase. */
const stepsOf = (view: { phases?: { steps: { key: string; status: string; dueAt: string | null }[] }[] }) => (view.phases ?? []).flatMap((p) => p.steps);

/** A template with working-day and weekend-moved due dates, for comparing the preview with a real run. */
function draft(key: string): Omit<TemplateInput, 'version'> {
  return {
    key,
    name: { fr: 'Modèle de l’éditeur', en: 'Editor template' },
    nonWorkingDays: 'nextWorkingDay',
    phases: [
      {
        key: 'one',
        name: { fr: 'Un', en: 'One' },
        steps: [
          // Monday 21 December 2026 + 5 days = Saturday 26 → Monday 28 December, 18:00 Paris.
          { key: 'kickoff', name: { fr: 'Lancement', en: 'Kick-off' }, assignee: { kind: 'coordinator' }, due: { from: 'programmeStart', offset: { amount: 5, unit: 'calendarDays' } } },
          { key: 'report', name: { fr: 'Rapport', en: 'Report' }, assignee: { kind: 'coordinator' }, due: { from: 'programmeStart', offset: { amount: 10, unit: 'workingDays' } } },
        ],
      },
    ],
  };
}

describe('template editor API: preview, versions, archive', () => {
  let h: Harness;
  let coordinator: TestUser;
  let partner: TestUser;
  const key = `editeur-${Date.now()}`;

  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    coordinator = await createUser(h, 'coordinator');
    partner = await createUser(h, 'partner');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('returns coded problems at their field paths for an invalid draft', async () => {
    const bad = draft(key);
    bad.phases[0]!.steps[1] = { ...bad.phases[0]!.steps[1]!, name: { fr: '', en: 'Report' }, dependsOn: ['nope'] };
    const res = await apiClient(h.apiUrl).post('/api/v1/templates/preview', { template: bad, startDate: '2026-12-21' }, coordinator.token);
    expect(res.status).toBe(200);
    expect(res.body.timeline).toBeUndefined();
    expect(res.body.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'phases.0.steps.1.name.fr', code: 'required' }),
        expect.objectContaining({ path: 'phases.0.steps.1.dependsOn.0', code: 'unknown_step', values: { key: 'nope' } }),
      ]),
    );
  });

  it('refuses the seconds unit of tests in a preview and a publication, at its field, publishing nothing', async () => {
    const quick = draft(`${key}-secondes`);
    quick.phases[0]!.steps[0] = { ...quick.phases[0]!.steps[0]!, due: { from: 'programmeStart', offset: { amount: 30, unit: 'seconds' } } };
    const api = apiClient(h.apiUrl);
    const preview = await api.post('/api/v1/templates/preview', { template: quick, startDate: '2026-12-21' }, coordinator.token);
    expect(preview.body.problems).toEqual([expect.objectContaining({ path: 'phases.0.steps.0.due.offset.unit', code: 'unit_for_tests_only' })]);
    const published = await api.post('/api/v1/templates', quick, coordinator.token);
    expect({ status: published.status, code: published.body.code, errors: published.body.errors?.map((e: { path: string; code: string }) => `${e.path} ${e.code}`) }).toEqual({
      status: 422, code: 'invalid_template', errors: ['body.phases.0.steps.0.due.offset.unit unit_for_tests_only'],
    });
    expect(await h.prisma.template.count({ where: { key: `${key}-secondes` } })).toBe(0);
  });

  it('refuses the preview to a partner', async () => {
    const res = await apiClient(h.apiUrl).post('/api/v1/templates/preview', { template: draft(key), startDate: '2026-12-21' }, partner.token);
    expect(res.status).toBe(403);
  });

  it('plans the same due dates as a programme started from the published template', async () => {
    const preview = await apiClient(h.apiUrl).post('/api/v1/templates/preview', { template: draft(key), startDate: '2026-12-21' }, coordinator.token);
    expect(preview.status).toBe(200);
    expect(preview.body.problems).toEqual([]);
    const planned = Object.fromEntries(preview.body.timeline.steps.map((s: { stepKey: string; dueAt: string }) => [s.stepKey, s.dueAt]));
    expect(planned.kickoff).toBe('2026-12-28T17:00:00.000Z');

    const published = await apiClient(h.apiUrl).post('/api/v1/templates', draft(key), coordinator.token);
    expect(published.status).toBe(201);
    const started = await apiClient(h.apiUrl).post('/api/v1/programmes', { templateKey: key, title: 'Aperçu contre réalité', startDate: '2026-12-21', params: { dates: {}, slots: {} } }, coordinator.token);
    expect(started.status).toBe(201);
    const view = await waitFor('the kick-off due date', async () => {
      const res = await apiClient(h.apiUrl).get(`/api/v1/programmes/${started.body.id}`, coordinator.token);
      const step = stepsOf(res.body).find((s: { key: string; dueAt: string | null }) => s.key === 'kickoff' && s.dueAt);
      return step ? res.body : undefined;
    });
    const kickoff = stepsOf(view).find((s: { key: string }) => s.key === 'kickoff')!;
    expect(kickoff.dueAt).toBe(planned.kickoff);
    // Parallel steps of the first phase are both active: the second one's date must agree too.
    const report = await waitFor('the report due date', async () => {
      const res = await apiClient(h.apiUrl).get(`/api/v1/programmes/${started.body.id}`, coordinator.token);
      return stepsOf(res.body).find((s: { key: string; dueAt: string | null }) => s.key === 'report' && s.dueAt);
    });
    expect(report.dueAt).toBe(planned.report);
  });

  it('lists versions, archives a template (no new programme, running ones unaffected) and brings it back', async () => {
    const client = apiClient(h.apiUrl);
    const v2 = await client.post('/api/v1/templates', { ...draft(key), name: { fr: 'Modèle v2', en: 'Template v2' } }, coordinator.token);
    expect(v2.body.version).toBe(2);
    const versions = await client.get(`/api/v1/templates/${key}/versions`, coordinator.token);
    expect(versions.body.archived).toBe(false);
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([2, 1]);

    const running = await client.post('/api/v1/programmes', { templateKey: key, title: 'En cours avant archivage', startDate: '2026-12-21', params: { dates: {}, slots: {} } }, coordinator.token);
    expect(running.status).toBe(201);

    expect((await client.call('PUT', `/api/v1/templates/${key}/archive`, { token: partner.token })).status).toBe(403);
    const archived = await client.call('PUT', `/api/v1/templates/${key}/archive`, { token: coordinator.token });
    expect(archived.status).toBe(200);
    expect(archived.body).toEqual({ key, archived: true });
    const list = await client.get('/api/v1/templates', coordinator.token);
    expect(list.body.items.find((t: { key: string }) => t.key === key).archived).toBe(true);

    const refused = await client.post('/api/v1/programmes', { templateKey: key, title: 'Après archivage', startDate: '2026-12-21', params: { dates: {}, slots: {} } }, coordinator.token);
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('template_archived');

    // The running programme still works: a step can be completed.
    const stepKey = await waitFor('an active step', async () => {
      const res = await client.get(`/api/v1/programmes/${running.body.id}`, coordinator.token);
      return stepsOf(res.body).find((s: { status: string }) => s.status === 'active')?.key as string | undefined;
    });
    const done = await client.post(`/api/v1/programmes/${running.body.id}/steps/${stepKey}/complete`, {}, coordinator.token);
    expect(done.status).toBe(200);

    const restored = await client.call('DELETE', `/api/v1/templates/${key}/archive`, { token: coordinator.token });
    expect(restored.body).toEqual({ key, archived: false });
    const again = await client.post('/api/v1/programmes', { templateKey: key, title: 'Remis en service', startDate: '2026-12-21', params: { dates: {}, slots: {} } }, coordinator.token);
    expect(again.status).toBe(201);
  });
});
