import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import { createProjectionActivities } from '../../activities/projection';
import { createTemplateStore } from '../../activities/templates';
import { ZTemplate } from '../../domain/template-schema';
import { completeStepUpdate, programmeStartedUpdate, programmeWorkflow } from '../../workflows/programme';
import { createOrganisation, createUser, publishTemplates, startHarness, type Harness } from '../support/harness';
import { waitForReadModelInSync } from '../support/read-model';
import { reminderTestTemplate } from '../support/test-templates';

/**
 * Issue 22, the long topology drill after its Temporal restart: 83 of 200 programmes whose read
 * model showed a step completed that the workflow never committed. A workflow task applied an
 * Update and wrote its local projection, then was abandoned (it timed out while the server was
 * away); its retry, rebuilt from history, did not get the Update again, changed nothing, so
 * projected nothing. Here the abandoned task's write is made by hand (a newer state version from
 * later in the same run), the worker restarted (an abandoned task costs its worker the cached
 * workflow), and the next workflow task changes nothing (an Update refused by its validator).
 */
describe('read model after an abandoned workflow task (workflows/read-model-repair.ts)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ notifier: false });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('the first live workflow task of a programme rebuilt from history writes the state history has', async () => {
    const key = `repair-${Date.now()}`;
    const input = reminderTestTemplate(key, 3600);
    await publishTemplates(h.prisma, [input]);
    const org = await createOrganisation(h);
    const coordinator = await createUser(h, 'coordinator');
    await createUser(h, 'partner', org);
    const programmeId = `prg_repair_${Date.now()}`;
    const start = new WithStartWorkflowOperation(programmeWorkflow, {
      workflowId: programmeId,
      taskQueue: h.taskQueue,
      workflowIdConflictPolicy: 'FAIL',
      args: [{ programmeId, title: 'Programme réparé', template: ZTemplate.parse(input), startDate: '2026-11-28', coordinatorId: coordinator.id, slots: { partner: org } }],
    });
    await h.client.workflow.executeUpdateWithStart(programmeStartedUpdate, { startWorkflowOperation: start });
    const committed = await waitForReadModelInSync(h, programmeId);
    const row = await h.prisma.programme.findUniqueOrThrow({ where: { id: programmeId } });

    // The abandoned task's write: the step completed, one version on, from later in history.
    const project = createProjectionActivities({ prisma: h.prisma, loadTemplateVersion: createTemplateStore(h.prisma).loadTemplateVersion, publishChange: async () => undefined }).projectProgramme;
    const ghost = structuredClone(committed);
    ghost.version += 1;
    ghost.steps[0]!.status = 'completed';
    ghost.steps[0]!.completedAt = new Date().toISOString();
    await project({
      template: { key: committed.templateKey, version: committed.templateVersion },
      state: ghost,
      position: { runStartedAt: row.projectedRunStartedAt!.toISOString(), historyLength: row.projectedHistoryLength! + 3, taskAt: new Date().toISOString() },
    });
    const ahead = await h.prisma.programme.findUniqueOrThrow({ where: { id: programmeId } });
    expect(ahead.stateVersion).toBe(committed.version + 1);
    expect(await h.prisma.step.findFirstOrThrow({ where: { programmeId, key: committed.steps[0]!.key } })).toMatchObject({ status: 'completed' });

    // The retry, on a worker without the workflow in cache, applies nothing: the read model comes back to the workflow's state.
    await h.restartWorker();
    const refused = await h.client.workflow
      .getHandle(programmeId)
      .executeUpdate(completeStepUpdate, { args: [{ actor: { userId: coordinator.id, role: 'coordinator' }, stepKey: 'no-such-step' }] })
      .then(() => 'applied', (err: unknown) => err);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    const repaired = await waitForReadModelInSync(h, programmeId, 20_000);
    expect(repaired.version).toBe(committed.version);
    expect(await h.prisma.step.findFirstOrThrow({ where: { programmeId, key: committed.steps[0]!.key } })).toMatchObject({ status: committed.steps[0]!.status });
    const after = await h.prisma.programme.findUniqueOrThrow({ where: { id: programmeId } });
    expect(after.stateVersion).toBe(committed.version);
    expect(after.projectedHistoryLength!).toBeGreaterThan(row.projectedHistoryLength!);
  }, 120_000);
});
