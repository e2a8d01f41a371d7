import { WithStartWorkflowOperation } from '@temporalio/client';
import { createProjectionActivities } from '../../activities/projection';
import { createTemplateStore } from '../../activities/templates';
import type { ProgrammeState } from '../../domain/programme-state';
import { ZTemplate, type TemplateInput } from '../../domain/template-schema';
import { programmeStartedUpdate, programmeStateQuery, programmeWorkflow } from '../../workflows/programme';
import type { Harness } from './harness';

/** The workflow's own state (query) next to what the projection wrote in PostgreSQL. */
export async function compareReadModel(h: Harness, programmeId: string): Promise<{ query: ProgrammeState; stored: ProgrammeState; stepRows: { key: string; status: string; dueAt: string | null; organisationId: string | null }[] }> {
  const query = await h.client.workflow.getHandle(programmeId).query(programmeStateQuery);
  const row = await h.prisma.programme.findUniqueOrThrow({ where: { id: programmeId } });
  const steps = await h.prisma.step.findMany({ where: { programmeId }, orderBy: { key: 'asc' } });
  return {
    query,
    stored: row.state as unknown as ProgrammeState,
    stepRows: steps.map((s) => ({ key: s.key, status: s.status, dueAt: s.dueAt?.toISOString() ?? null, organisationId: s.organisationId })),
  };
}

/** Step rows as the projection should have written them from a state. */
export function expectedStepRows(state: ProgrammeState) {
  return state.steps
    .flatMap((s) =>
      s.assignee.kind === 'eachPartner' && s.assignee.organisationIds.length > 0
        ? s.assignee.organisationIds.map((org) => ({ key: `${s.key}@${org}`, status: s.parts[org] ? 'completed' : s.status, dueAt: s.dueAt ?? null, organisationId: org }))
        : [{ key: s.key, status: s.status, dueAt: s.dueAt ?? null, organisationId: s.assignee.kind === 'organisation' ? s.assignee.organisationId : null }],
    )
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Asserts the read model equals the workflow's query, apart from the not-yet-projected audit buffer. */
export async function expectReadModelInSync(h: Harness, programmeId: string): Promise<ProgrammeState> {
  const { query, stored, stepRows } = await compareReadModel(h, programmeId);
  const { pendingEvents: _q, ...q } = query;
  const { pendingEvents: _s, ...s } = stored as ProgrammeState & { pendingEvents?: unknown };
  expect(s).toEqual(q);
  expect(stepRows).toEqual(expectedStepRows(query));
  return query;
}

/** For changes driven by timers rather than by a write: the projection follows within moments. */
export async function waitForReadModelInSync(h: Harness, programmeId: string, timeoutMs = 10_000): Promise<ProgrammeState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await expectReadModelInSync(h, programmeId);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** The projectProgramme activity on the harness's database, as the worker and the reconciler call it. */
export function projectOn(h: Pick<Harness, 'prisma'>) {
  return createProjectionActivities({ prisma: h.prisma, loadTemplateVersion: createTemplateStore(h.prisma).loadTemplateVersion, publishChange: async () => undefined }).projectProgramme;
}

/** Starts a programme (on `taskQueue`, the harness's by default) and waits for its read model to match the workflow. */
export async function startProgrammeInSync(
  h: Harness,
  opts: { template: TemplateInput; coordinatorId: string; partnerOrganisationId: string; taskQueue?: string; idPrefix?: string },
): Promise<{ programmeId: string; committed: ProgrammeState }> {
  const programmeId = `${opts.idPrefix ?? 'prg_reconcile_'}${Date.now()}_${Math.floor(Math.random() * 1e6)}`;
  const start = new WithStartWorkflowOperation(programmeWorkflow, {
    workflowId: programmeId,
    taskQueue: opts.taskQueue ?? h.taskQueue,
    workflowIdConflictPolicy: 'FAIL',
    args: [{ programmeId, title: 'Programme rapproché', template: ZTemplate.parse(opts.template), startDate: '2026-11-28', coordinatorId: opts.coordinatorId, slots: { partner: opts.partnerOrganisationId } }],
  });
  await h.client.workflow.executeUpdateWithStart(programmeStartedUpdate, { startWorkflowOperation: start });
  return { programmeId, committed: await waitForReadModelInSync(h, programmeId) };
}

/**
 * What an abandoned workflow task leaves (issue 22): the first step completed, one version on, from
 * just after the last committed task; its workflow never committed it.
 */
export async function writeAbandonedTaskProjection(h: Harness, programmeId: string, committed: ProgrammeState): Promise<void> {
  const row = await h.prisma.programme.findUniqueOrThrow({ where: { id: programmeId } });
  const ghost = structuredClone(committed);
  ghost.version += 1;
  ghost.steps[0]!.status = 'completed';
  ghost.steps[0]!.completedAt = new Date().toISOString();
  ghost.pendingEvents = [{ seq: committed.eventSeq + 1, type: 'step.completed', at: new Date().toISOString(), data: { stepKey: committed.steps[0]!.key } }] as ProgrammeState['pendingEvents'];
  await projectOn(h)({
    template: { key: committed.templateKey, version: committed.templateVersion },
    state: ghost,
    position: { runStartedAt: row.projectedRunStartedAt!.toISOString(), historyLength: row.projectedHistoryLength! + 1, taskAt: new Date().toISOString() },
  });
  const ahead = await h.prisma.programme.findUniqueOrThrow({ where: { id: programmeId } });
  expect(ahead.stateVersion).toBe(committed.version + 1);
}
