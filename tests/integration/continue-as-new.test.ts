import { ZTemplate } from '../../domain/template-schema';
import * as engine from '../../domain/programme';
import { programmeStartedUpdate, programmeWorkflow } from '../../workflows/programme';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { apiClient, createOrganisation, createUser, publishTemplates, startHarness, waitFor, type Harness } from '../support/harness';
import { expectReadModelInSync, waitForReadModelInSync } from '../support/read-model';
import { reminderTestTemplate } from '../support/test-templates';

/**
 * Long programmes hand over to a fresh run (continueAsNew) before their history grows large.
 * The threshold is lowered so the hand-over happens within a test: state, audit numbering and
 * pending timers must all survive it.
 */
describe('continueAsNew keeps state and timers', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('continues as new mid-programme without losing state, events or reminders', async () => {
    const api = apiClient(h.apiUrl);
    const key = `can-${Date.now()}`;
    const input = reminderTestTemplate(key, 3600);
    await publishTemplates(h.prisma, [input]);
    const org = await createOrganisation(h);
    const coordinator = await createUser(h, 'coordinator');
    const partner = await createUser(h, 'partner', org);
    const programmeId = `prg_can_${Date.now()}`;
    const start = new WithStartWorkflowOperation(programmeWorkflow, {
      workflowId: programmeId,
      taskQueue: h.taskQueue,
      workflowIdConflictPolicy: 'FAIL',
      args: [{ programmeId, title: 'Programme long', template: ZTemplate.parse(input), startDate: '2026-11-28', coordinatorId: coordinator.id, slots: { partner: org }, continueAsNewAfterEvents: 40 }],
    });
    await h.client.workflow.executeUpdateWithStart(programmeStartedUpdate, { startWorkflowOperation: start });
    const firstRun = await (await start.workflowHandle()).describe();
    const firstRunId = firstRun.runId;
    // Each projection carries where in history it was computed (issue 22): this run, its history so far.
    const position = async () => h.prisma.programme.findUniqueOrThrow({ where: { id: programmeId }, select: { projectedRunStartedAt: true, projectedHistoryLength: true, projectedTaskAt: true } });
    const first = await position();
    // (The run's start as the workflow sees it: its first workflow task, moments after the start request.)
    expect(first.projectedRunStartedAt!.getTime()).toBeGreaterThanOrEqual(firstRun.startTime.getTime());
    expect(first.projectedHistoryLength).toBeGreaterThan(0);
    expect(first.projectedTaskAt!.getTime()).toBeGreaterThanOrEqual(firstRun.startTime.getTime());

    // Each extension is an Update plus its activities: the history passes 40 events quickly.
    for (let i = 1; i <= 6; i++) {
      const res = await api.patch(`/api/v1/programmes/${programmeId}/steps/deliver`, { dueAt: new Date(Date.now() + 3600_000 + i * 1000).toISOString(), reason: `report ${i}` }, coordinator.token);
      expect(res.status).toBe(200);
    }
    const runId = await waitFor('a new run', async () => {
      const d = await h.client.workflow.getHandle(programmeId).describe();
      return d.runId !== firstRunId && d.runId;
    });
    expect(runId).not.toBe(firstRunId);
    const carried = await expectReadModelInSync(h, programmeId);
    // The new run's projections replace the old run's, though its history is shorter.
    const secondRun = await h.client.workflow.getHandle(programmeId).describe();
    const second = await position();
    expect(second.projectedRunStartedAt!.getTime()).toBeGreaterThanOrEqual(secondRun.startTime.getTime());
    expect(second.projectedRunStartedAt!.getTime()).toBeGreaterThan(first.projectedRunStartedAt!.getTime());
    expect(second.projectedHistoryLength).toBeLessThan(40);
    expect(carried.steps[0]!.status).toBe('active');

    // Timers are planned again from the carried state: a due date set now still fires.
    const dueAt = new Date(Date.now() + 4000).toISOString();
    expect((await api.patch(`/api/v1/programmes/${programmeId}/steps/deliver`, { dueAt }, coordinator.token)).status).toBe(200);
    await waitFor('the due-today reminder after continueAsNew', async () => {
      const rows = await h.prisma.notification.findMany({ where: { programmeId, kind: 'due_today' } });
      return rows.some((r) => (r.payload as { data: { dueAt: string } }).data.dueAt === dueAt);
    }, 20_000);
    const state = await waitForReadModelInSync(h, programmeId);
    expect(state.steps[0]!.remindersSent.some((k) => k.endsWith(`due:${dueAt}`))).toBe(true);

    // The audit trail numbers on across runs, without gaps or repeats.
    const events = await h.prisma.programmeEvent.findMany({ where: { programmeId }, orderBy: { seq: 'asc' } });
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === 'step.due_changed')).toHaveLength(7);
    expect((await api.post(`/api/v1/programmes/${programmeId}/steps/deliver/complete`, {}, partner.token)).status).toBe(200);
    expect((await expectReadModelInSync(h, programmeId)).status).toBe('completed');
  });

  it('records step.overdue for a step found late when a run takes over the state (continue-as-new)', async () => {
    const key = `can-late-${Date.now()}`;
    const template = ZTemplate.parse(reminderTestTemplate(key, 3600));
    await publishTemplates(h.prisma, [reminderTestTemplate(key, 3600)]);
    const org = await createOrganisation(h);
    const coordinator = await createUser(h, 'coordinator');
    const programmeId = `prg_can_late_${Date.now()}`;
    // The state a previous run hands over: the step's due date passed during the hand-over, not yet marked late.
    const before = new Date(Date.now() - 120_000);
    const carried = engine.createInitialState({ programmeId, title: 'Relève en retard', template, startDate: '2026-11-28', coordinatorId: coordinator.id, slots: { partner: org } }, before);
    engine.advance(template, carried, before);
    engine.setDueDate(carried, 'deliver', new Date(Date.now() - 60_000).toISOString(), before);
    expect(engine.stepState(carried, 'deliver')!.late).toBe(false);
    const start = new WithStartWorkflowOperation(programmeWorkflow, {
      workflowId: programmeId,
      taskQueue: h.taskQueue,
      workflowIdConflictPolicy: 'FAIL',
      args: [{ programmeId, title: 'Relève en retard', template, startDate: '2026-11-28', coordinatorId: coordinator.id, slots: { partner: org }, carried }],
    });
    await h.client.workflow.executeUpdateWithStart(programmeStartedUpdate, { startWorkflowOperation: start });
    const state = await waitForReadModelInSync(h, programmeId);
    expect(state.steps[0]!.late).toBe(true);
    const events = await waitFor('the overdue event', async () => {
      const rows = await h.prisma.programmeEvent.findMany({ where: { programmeId, type: 'step.overdue' } });
      return rows.length > 0 && rows;
    });
    expect(events.map((e) => (e.data as { stepKey: string }).stepKey)).toEqual(['deliver']);
    await h.client.workflow.getHandle(programmeId).terminate('end of test');
  });
});
