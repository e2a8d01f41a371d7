import { WorkflowUpdateFailedError } from '@temporalio/client';
import type { ProgrammeState } from '../../domain/programme-state';
import { reconcileReadModel, type ReadModelReconcilerDeps } from '../../infra/read-model-reconciler';
import { completeStepUpdate, programmeStateQuery } from '../../workflows/programme';
import { createOrganisation, createUser, publishTemplates, startHarness, type Harness } from '../support/harness';
import { projectOn, startProgrammeInSync, waitForReadModelInSync, writeAbandonedTaskProjection as writeAbandoned } from '../support/read-model';
import { reminderTestTemplate } from '../support/test-templates';

/**
 * Issue 22, the case the repair on rebuild cannot see (docs/reliability.md, long drill runs 1 and 2:
 * 83 and 78 of 200 programmes ahead): an abandoned workflow task applied an Update and wrote its
 * local projection; its retry had nothing to do, so nothing projected again, on a worker that
 * still had the workflow in cache. The abandoned write is made by hand (a newer state version from
 * a workflow task that never reached history); the reconciler compares settled rows with their
 * workflow and writes the workflow's state back.
 */
describe('read model reconciled with the workflows (infra/read-model-reconciler.ts)', () => {
  let h: Harness;
  let coordinatorId: string;
  let orgId: string;
  let templateInput: ReturnType<typeof reminderTestTemplate>;
  const project = () => projectOn(h);

  beforeAll(async () => {
    // The worker's own reconciler checks every second rows that have been still for a second.
    h = await startHarness({ notifier: false, readModelCheck: { everySeconds: 1, settleSeconds: 1 } });
    templateInput = reminderTestTemplate(`reconcile-${Date.now()}`, 3600);
    await publishTemplates(h.prisma, [templateInput]);
    orgId = await createOrganisation(h);
    coordinatorId = (await createUser(h, 'coordinator')).id;
    await createUser(h, 'partner', orgId);
  });
  afterAll(async () => {
    await h?.stop();
  });

  function startProgramme(): Promise<{ programmeId: string; committed: ProgrammeState }> {
    return startProgrammeInSync(h, { template: templateInput, coordinatorId, partnerOrganisationId: orgId });
  }

  /** What an abandoned workflow task leaves: the first step completed, one version on, from just after the last committed task. */
  function writeAbandonedTaskProjection(programmeId: string, committed: ProgrammeState): Promise<void> {
    return writeAbandoned(h, programmeId, committed);
  }

  it('a row ahead of its workflow, left so by a retry with nothing to do on a warm worker, is written back to the workflow’s state', async () => {
    const { programmeId, committed } = await startProgramme();
    await writeAbandonedTaskProjection(programmeId, committed);
    // The retry: a workflow task on the same worker (workflow in cache) that changes nothing.
    const refused = await h.client.workflow
      .getHandle(programmeId)
      .executeUpdate(completeStepUpdate, { args: [{ actor: { userId: coordinatorId, role: 'coordinator' }, stepKey: 'no-such-step' }] })
      .then(() => 'applied', (err: unknown) => err);
    expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);

    // The worker's reconciler (every second, rows still for a second) puts the workflow's state back.
    const deadline = Date.now() + 30_000;
    let row = await h.prisma.programme.findUniqueOrThrow({ where: { id: programmeId } });
    while (row.stateVersion !== committed.version && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 250));
      row = await h.prisma.programme.findUniqueOrThrow({ where: { id: programmeId } });
    }
    expect(row.stateVersion).toBe(committed.version);
    const step = await h.prisma.step.findFirstOrThrow({ where: { programmeId, key: committed.steps[0]!.key } });
    expect(step.status).toBe(committed.steps[0]!.status);
    // The abandoned task's journal entry is gone with it.
    expect(await h.prisma.programmeEvent.count({ where: { programmeId, seq: { gt: committed.eventSeq } } })).toBe(0);

    // A later real change still lands over the repair (its workflow task comes later in history).
    await h.client.workflow.getHandle(programmeId).executeUpdate(completeStepUpdate, { args: [{ actor: { userId: coordinatorId, role: 'coordinator' }, stepKey: committed.steps[0]!.key }] });
    const after = await waitForReadModelInSync(h, programmeId);
    expect(after.version).toBeGreaterThan(committed.version);
    expect((await h.prisma.step.findFirstOrThrow({ where: { programmeId, key: committed.steps[0]!.key } })).status).toBe('completed');
  }, 120_000);

  it('one round confirms rows equal to their workflow without writing, repairs the others, and skips programmes without a workflow', async () => {
    const equal = await startProgramme();
    const ahead = await startProgramme();
    await writeAbandonedTaskProjection(ahead.programmeId, ahead.committed);
    const writes: string[] = [];
    const deps: ReadModelReconcilerDeps = {
      prisma: h.prisma,
      describeHistoryLength: async (id) => (id.startsWith('prg_reconcile_') ? (await h.client.workflow.getHandle(id).describe()).historyLength : undefined),
      queryState: (id) => h.client.workflow.getHandle(id).query(programmeStateQuery),
      project: async (input) => {
        writes.push(input.state.programmeId);
        await project()(input);
      },
    };
    const equalBefore = await h.prisma.programme.findUniqueOrThrow({ where: { id: equal.programmeId } });
    // Mark both rows unchecked again (the worker's reconciler may have checked them already).
    await h.prisma.programme.updateMany({ where: { id: { in: [equal.programmeId, ahead.programmeId] } }, data: { projectionCheckedTaskAt: null } });
    let total = { checked: 0, repaired: 0 };
    for (let round = 0; round < 20 && !writes.includes(ahead.programmeId); round++) {
      const r = await reconcileReadModel(deps, { settleMs: 0, batch: 1000 });
      total = { checked: total.checked + r.checked, repaired: total.repaired + r.repaired };
    }
    const aheadRow = await h.prisma.programme.findUniqueOrThrow({ where: { id: ahead.programmeId } });
    // Either round (the worker's or this one) wrote it back; this one wrote nothing over the equal row.
    expect(aheadRow.stateVersion).toBe(ahead.committed.version);
    expect(writes).not.toContain(equal.programmeId);
    const equalRow = await h.prisma.programme.findUniqueOrThrow({ where: { id: equal.programmeId } });
    expect(equalRow.stateVersion).toBe(equal.committed.version);
    // Confirmed, not rewritten: the position of its last write is the workflow's own.
    expect(equalRow.projectionCheckedTaskAt?.toISOString()).toBe(equalRow.projectedTaskAt?.toISOString());
    expect(equalRow.projectedTaskAt?.toISOString()).toBe(equalBefore.projectedTaskAt?.toISOString());
    expect(equalRow.projectedHistoryLength).toBe(equalBefore.projectedHistoryLength);
  }, 120_000);
});
