import { WithStartWorkflowOperation } from '@temporalio/client';
import { toParisDate } from '../../domain/calendar';
import { definitionKey } from '../../domain/step-row-key';
import { ZTemplate } from '../../domain/template-schema';
import { governanceCadenceTemplate } from '../../templates';
import { programmeStartedUpdate, programmeWorkflow } from '../../workflows/programme';
import { apiClient, createUser, publishTemplates, startHarness, waitFor, type Harness, type TestUser } from '../support/harness';
import { recordHistory } from '../support/histories';
import { expectReadModelInSync, waitForReadModelInSync } from '../support/read-model';
import { callForProjectsTestTemplate, inSeconds } from '../support/test-templates';

/**
 * Issue 19 on the real services (Temporal dev server, PostgreSQL, the API): a step's outcome opens
 * one branch and skips the other; recurring steps open occurrence after occurrence, each a step of
 * its own, while continue-as-new keeps every run's history short.
 */
describe('outcome branches and recurring steps', () => {
  let h: Harness;
  let api: ReturnType<typeof apiClient>;
  let coordinator: TestUser;
  const aapKey = `aap-${Date.now()}`;
  beforeAll(async () => {
    h = await startHarness();
    api = apiClient(h.apiUrl);
    coordinator = await createUser(h, 'coordinator');
    await publishTemplates(h.prisma, [callForProjectsTestTemplate(aapKey)]);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const rows = async (programmeId: string) => Object.fromEntries((await h.prisma.step.findMany({ where: { programmeId } })).map((r) => [r.key, r.status]));

  it('retained: the decision needs an outcome from its list, then opens the execution phase and skips the debrief', async () => {
    const started = await api.post('/api/v1/programmes', { templateKey: aapKey, title: 'AAP retenu', startDate: '2027-01-04' }, coordinator.token);
    expect(started.status).toBe(201);
    const id = started.body.id as string;
    expect((await api.post(`/api/v1/programmes/${id}/steps/submit/complete`, {}, coordinator.token)).status).toBe(200);
    const before = await expectReadModelInSync(h, id);

    const missing = await api.post(`/api/v1/programmes/${id}/steps/decision/complete`, {}, coordinator.token);
    expect({ status: missing.status, code: missing.body.code, reason: missing.body.params?.reason }).toEqual({ status: 422, code: 'invalid_outcome', reason: 'outcome_required' });
    const unknown = await api.post(`/api/v1/programmes/${id}/steps/decision/complete`, { outcome: 'perhaps' }, coordinator.token);
    expect({ status: unknown.status, code: unknown.body.code, reason: unknown.body.params?.reason }).toEqual({ status: 422, code: 'invalid_outcome', reason: 'outcome_not_listed' });
    // A refusal applies nothing.
    expect((await expectReadModelInSync(h, id)).version).toBe(before.version);

    const done = await api.post(`/api/v1/programmes/${id}/steps/decision/complete`, { outcome: 'retained' }, coordinator.token);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ key: 'decision', status: 'completed', outcome: 'retained', outcomes: ['retained', 'not-retained'] });
    await expectReadModelInSync(h, id);
    expect(await rows(id)).toEqual({ submit: 'completed', decision: 'completed', debrief: 'skipped', kickoff: 'active', 'final-report': 'pending' });
    const view = (await api.get(`/api/v1/programmes/${id}`, coordinator.token)).body;
    expect(view.phases.map((p: { key: string; status: string; when?: unknown }) => [p.key, p.status, p.when])).toEqual([
      ['application', 'completed', undefined],
      ['execution', 'active', { step: 'decision', outcome: 'retained' }],
    ]);
    expect(view.labels.outcomes).toEqual({ retained: { fr: 'Retenu', en: 'Retained' }, 'not-retained': { fr: 'Non retenu', en: 'Not retained' } });
    // The skipped step is neither late nor due: nothing will remind anyone of it.
    const state = await expectReadModelInSync(h, id);
    expect(state.steps.find((s) => s.key === 'debrief')).toMatchObject({ status: 'skipped', late: false });
    expect(state.steps.find((s) => s.key === 'debrief')!.dueAt).toBeUndefined();
    const journal = (await api.get(`/api/v1/programmes/${id}/events?limit=200`, coordinator.token)).body.items as { type: string; data: Record<string, unknown> }[];
    expect(journal.find((e) => e.type === 'step.completed' && e.data.stepKey === 'decision')!.data.outcome).toBe('retained');
    expect(journal.filter((e) => e.type === 'step.skipped').map((e) => e.data.stepKey)).toEqual(['debrief']);
    await api.post(`/api/v1/programmes/${id}/cancel`, { reason: 'Fin du test' }, coordinator.token);
    await recordHistory(h, id, 'outcome-branch-retained');
  });

  it('not retained: the debrief opens, the execution phase is skipped, and the programme completes after the debrief', async () => {
    const started = await api.post('/api/v1/programmes', { templateKey: aapKey, title: 'AAP non retenu', startDate: '2027-01-04' }, coordinator.token);
    const id = started.body.id as string;
    await api.post(`/api/v1/programmes/${id}/steps/submit/complete`, {}, coordinator.token);
    expect((await api.post(`/api/v1/programmes/${id}/steps/decision/complete`, { outcome: 'not-retained' }, coordinator.token)).status).toBe(200);
    expect((await api.post(`/api/v1/programmes/${id}/steps/debrief/complete`, {}, coordinator.token)).status).toBe(200);
    const state = await expectReadModelInSync(h, id);
    expect(state.status).toBe('completed');
    expect(state.phases.map((p) => [p.key, p.status])).toEqual([
      ['application', 'completed'],
      ['execution', 'skipped'],
    ]);
    expect(await rows(id)).toEqual({ submit: 'completed', decision: 'completed', debrief: 'completed', kickoff: 'skipped', 'final-report': 'skipped' });
    // A skipped step cannot be completed.
    const refused = await api.post(`/api/v1/programmes/${id}/steps/kickoff/complete`, {}, coordinator.token);
    expect(refused.status).toBe(409);
  });

  it('the governance cadence produces its committees for three years in one programme, each occurrence its own step, histories bounded by continue-as-new', async () => {
    // The built-in template with its months counted as seconds: three years pass in 36 s.
    const key = `governance-fast-${Date.now()}`;
    const input = inSeconds(governanceCadenceTemplate, key);
    await publishTemplates(h.prisma, [input]);
    const programmeId = `prg_gov_${Date.now()}`;
    const threshold = 150;
    const start = new WithStartWorkflowOperation(programmeWorkflow, {
      workflowId: programmeId,
      taskQueue: h.taskQueue,
      workflowIdConflictPolicy: 'FAIL',
      args: [{ programmeId, title: 'Hub industries de santé : instances', template: ZTemplate.parse(input), startDate: toParisDate(new Date()), coordinatorId: coordinator.id, continueAsNewAfterEvents: threshold }],
    });
    await h.client.workflow.executeUpdateWithStart(programmeStartedUpdate, { startWorkflowOperation: start });
    const firstRunId = (await (await start.workflowHandle()).describe()).runId;

    // The first steering committee: its minutes, then done (late by now, which does not stop the series).
    await waitFor('the first steering committee', async () => (await h.prisma.step.findUnique({ where: { programmeId_key: { programmeId, key: 'steering-committee~1' } } })) ?? false);
    const minutes = await api.post(`/api/v1/programmes/${programmeId}/steps/steering-committee~1/deliverables`, { title: 'Compte rendu COPIL 1', url: 'https://example.org/copil-1.pdf' }, coordinator.token);
    expect(minutes.status).toBe(201);
    const completed = await api.post(`/api/v1/programmes/${programmeId}/steps/steering-committee~1/complete`, { note: 'Feuille de route validée' }, coordinator.token);
    expect({ status: completed.status, occurrence: completed.body.occurrence?.n, deliverables: completed.body.deliverables?.length }).toEqual({ status: 200, occurrence: 1, deliverables: 1 });

    await waitFor(
      'three years of committees',
      async () => {
        const keys = (await h.prisma.step.findMany({ where: { programmeId }, select: { key: true } })).map((r) => r.key);
        return keys.includes('steering-committee~6') && keys.includes('technical-committee~12') && keys.includes('newsletter~6');
      },
      120_000,
    );
    const state = await waitForReadModelInSync(h, programmeId, 20_000);
    const series = (stepKey: string) => state.steps.filter((s) => definitionKey(s.key) === stepKey);
    expect(series('steering-committee').length).toBeGreaterThanOrEqual(6);
    expect(series('technical-committee').length).toBeGreaterThanOrEqual(12);
    for (const name of ['newsletter', 'steering-committee', 'technical-committee']) {
      const occurrences = series(name);
      // Each occurrence its own step: numbered in order, its own due date, later than the previous one.
      expect(occurrences.map((s) => s.occurrence!.n)).toEqual(occurrences.map((_, i) => i + 1));
      const dues = occurrences.map((s) => Date.parse(s.dueAt!));
      for (let i = 1; i < dues.length; i++) expect(dues[i]!).toBeGreaterThan(dues[i - 1]!);
    }
    // Deliverables belong to their occurrence.
    expect(series('steering-committee').map((s) => s.deliverables.length).slice(0, 2)).toEqual([1, 0]);
    expect(series('steering-committee')[0]!.status).toBe('completed');
    // One programme, still running: no new programme each year.
    expect(await h.prisma.programme.count({ where: { templateKey: key } })).toBe(1);
    expect(state.status).toBe('active');

    // Bounded histories: the programme continued as new, and no run grew much past the threshold.
    const runs: { runId: string; historyLength: number }[] = [];
    for await (const run of h.client.workflow.list({ query: `WorkflowId = '${programmeId}'` })) runs.push({ runId: run.runId, historyLength: run.historyLength });
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(runs.map((r) => r.runId)).toContain(firstRunId);
    for (const run of runs) {
      const events = (await h.client.workflow.getHandle(programmeId, run.runId).fetchHistory()).events ?? [];
      expect({ runId: run.runId, bounded: events.length < threshold + 100 }).toEqual({ runId: run.runId, bounded: true });
    }
    // The audit trail numbers on across runs.
    const journal = await h.prisma.programmeEvent.findMany({ where: { programmeId }, orderBy: { seq: 'asc' }, select: { seq: true } });
    expect(journal.map((e) => e.seq)).toEqual(journal.map((_, i) => i + 1));

    await api.post(`/api/v1/programmes/${programmeId}/cancel`, { reason: 'Fin du test' }, coordinator.token);
    await recordHistory(h, programmeId, 'recurring-governance');
  });
});
