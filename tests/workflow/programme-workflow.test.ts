import type { UpdateDefinition, WorkflowHandle } from '@temporalio/client';
import type { Actor, ProgrammeAnswer, ProgrammeState } from '../../domain/programme-state';
import { ZTemplate, type TemplateInput } from '../../domain/template-schema';
import { completeStepUpdate, enrolOrganisationUpdate, pauseProgrammeUpdate, programmeStateQuery, programmeWorkflow, resumeProgrammeUpdate, type ProgrammeWorkflowInput } from '../../workflows/programme';
import { engineTestTemplate, reminderTestTemplate } from '../support/test-templates';
import { replayFixture, recordingActivities, startWorkflowTestEnv, withWorker, type WorkflowTestEnv } from '../support/workflow-env';

/**
 * Runs a lifecycle Update and reads the state it answered for: the Update answers only the
 * programme and its version (issue 21), and the state the Query then gives is at least that version.
 */
async function act<I>(handle: WorkflowHandle, update: UpdateDefinition<ProgrammeAnswer, [I]>, input: I): Promise<ProgrammeState> {
  const answer = await handle.executeUpdate(update, { args: [input] });
  expect(Object.keys(answer).sort()).toEqual(['programmeId', 'version']);
  const state = await handle.query(programmeStateQuery);
  expect(state.version).toBeGreaterThanOrEqual(answer.version);
  return state;
}

/**
 * The programme workflow itself, fast: real workflow code on a dev server, activities recorded
 * instead of writing to PostgreSQL and Redis. Reminders at their instants and not for a completed
 * step, continue-as-new carrying the state over, pause/resume moving due dates.
 */
const ORG = 'org_partner';
const coordinator: Actor = { userId: 'usr_coord', role: 'coordinator' };
const partner: Actor = { userId: 'usr_partner', role: 'partner', organisationId: ORG };

let t: WorkflowTestEnv;
beforeAll(async () => {
  t = await startWorkflowTestEnv();
}, 60_000);
afterAll(async () => {
  await t?.stop();
});

let ids = 0;
function startProgramme(taskQueue: string, template: TemplateInput, extra: Partial<ProgrammeWorkflowInput> = {}): Promise<WorkflowHandle<typeof programmeWorkflow>> {
  const programmeId = `prg_wf_${Date.now()}_${++ids}`;
  const input: ProgrammeWorkflowInput = { programmeId, title: 'Test', template: ZTemplate.parse(template), startDate: '2026-11-28', coordinatorId: coordinator.userId, slots: { partner: ORG, contractor: ORG }, ...extra };
  return t.env.client.workflow.start(programmeWorkflow, { workflowId: programmeId, taskQueue, args: [input] });
}

async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const stepOf = (state: ProgrammeState, key: string) => state.steps.find((s) => s.key === key)!;
/** One step due `dueInSeconds` after the start, reminded 2 s before, on due, then every second (escalation with the first overdue). */
const quickReminders = (key: string, dueInSeconds: number): TemplateInput => ({ ...reminderTestTemplate(key, dueInSeconds), reminders: { unit: 'seconds', beforeDue: [2], onDue: true, overdueEvery: 1, escalateAfter: 1 } });
const dueOf = async (handle: WorkflowHandle<typeof programmeWorkflow>, key: string) => until(`${key}'s due date`, async () => stepOf(await handle.query(programmeStateQuery), key).dueAt);

describe('reminders on durable timers', () => {
  it('fires before due, on due, overdue and the escalation at their instants, then stops once the step is completed', async () => {
    const rec = recordingActivities();
    await withWorker(t, rec.activities, async (taskQueue) => {
      const handle = await startProgramme(taskQueue, quickReminders('wf-remind', 3));
      const dueAt = await dueOf(handle, 'deliver');
      const due = Date.parse(dueAt);
      const fired = await until('the escalation', () => rec.reminders().some((r) => r.kind === 'escalation') && rec.reminders());
      const key = (what: string) => `${handle.workflowId}:deliver:${what}:${dueAt}`;
      expect(fired.map((r) => ({ kind: r.kind, key: r.data!.reminderKey, to: r.to }))).toEqual([
        { kind: 'reminder_before_due', key: key('before-2'), to: { organisations: [ORG] } },
        { kind: 'due_today', key: key('due'), to: { organisations: [ORG] } },
        { kind: 'overdue', key: key('overdue-1'), to: { organisations: [ORG] } },
        { kind: 'escalation', key: key('escalation'), to: { coordinator: true } },
      ]);
      // Each one at its planned instant: never early, queued within 2 s (the machine is shared).
      const planned = [due - 2000, due, due + 1000, due + 1000];
      fired.forEach((r, i) => {
        expect(r.at).toBeGreaterThanOrEqual(planned[i]! - 50);
        expect(r.at - planned[i]!).toBeLessThan(2000);
      });
      expect(stepOf(await handle.query(programmeStateQuery), 'deliver')).toMatchObject({ late: true, remindersSent: [key('before-2'), key('due'), key('overdue-1'), key('escalation')] });

      // Completed: the second overdue reminder (due + 2 s) never goes out.
      await act(handle, completeStepUpdate, { actor: partner, stepKey: 'deliver' });
      await sleep(Math.max(0, due + 2000 - Date.now()) + 500);
      expect(rec.reminders()).toHaveLength(4);
      // (The state of a closed run comes from its last projection: a query would replay it, see the known issue below.)
      expect(rec.projections.at(-1)!.status).toBe('completed');
    });
  });

  it('never reminds a step completed before its first reminder', async () => {
    const rec = recordingActivities();
    await withWorker(t, rec.activities, async (taskQueue) => {
      // Due in 4 s, first reminder at due − 2 s = 2 s after the start.
      const handle = await startProgramme(taskQueue, quickReminders('wf-remind-done', 4));
      const due = Date.parse(await dueOf(handle, 'deliver'));
      await act(handle, completeStepUpdate, { actor: partner, stepKey: 'deliver' });
      expect(Date.now()).toBeLessThan(due - 2000);
      // Past the before-due, due and first overdue moments.
      await sleep(due + 1000 - Date.now() + 500);
      expect(rec.reminders()).toEqual([]);
      expect(stepOf(rec.projections.at(-1)!, 'deliver')).toMatchObject({ status: 'completed', late: false, remindersSent: [] });
      expect(rec.projections.flatMap((p) => p.pendingEvents).map((e) => e.type)).not.toContain('step.overdue');
    });
  });
});

describe('continue-as-new', () => {
  it('carries the state over to the next run, which goes on from there', async () => {
    const rec = recordingActivities();
    await withWorker(t, rec.activities, async (taskQueue) => {
      // A threshold of one event: the run hands over at the first wake after the start.
      const handle = await startProgramme(taskQueue, engineTestTemplate('wf-can'), { continueAsNewAfterEvents: 1 });
      const firstRunId = (await handle.describe()).runId;
      const before = await act(handle, completeStepUpdate, { actor: coordinator, stepKey: 'kickoff' });
      expect(stepOf(before, 'report')).toMatchObject({ status: 'active', dueAt: expect.any(String) });

      const secondRunId = await until('the next run', async () => {
        const runId = (await handle.describe()).runId;
        return runId !== firstRunId && runId;
      });
      const carried = await handle.query(programmeStateQuery);
      // Same programme, same steps, due dates, journal numbering and version: nothing restarted.
      expect(carried).toEqual(before);
      expect(rec.projections.flatMap((p) => p.pendingEvents).filter((e) => e.type === 'programme.started')).toHaveLength(1);

      // The new run takes Updates where the old one stopped.
      const enrolled = await act(handle, enrolOrganisationUpdate, { actor: coordinator, organisationId: 'org_x', phaseKey: 'trial' });
      expect(enrolled.eventSeq).toBe(before.eventSeq + 1);
      expect(enrolled.phases.find((p) => p.key === 'trial')!.enrolled.map((e) => e.organisationId)).toEqual(['org_x']);
      expect(await until('a third run', async () => (await handle.describe()).runId !== secondRunId)).toBe(true);
      expect(stepOf(await handle.query(programmeStateQuery), 'kickoff')).toMatchObject({ status: 'completed', completedBy: coordinator.userId });
    });
  });
});

describe('pause and resume', () => {
  it('moves open due dates by the paused duration, reminds nothing while paused, and plans the series on the new date', async () => {
    const rec = recordingActivities();
    await withWorker(t, rec.activities, async (taskQueue) => {
      // Due in 3 s; its first reminder (before-2) would fire 1 s after the start.
      const handle = await startProgramme(taskQueue, quickReminders('wf-pause', 3));
      const oldDue = await dueOf(handle, 'deliver');
      expect((await act(handle, pauseProgrammeUpdate, { actor: coordinator })).status).toBe('paused');
      await sleep(Date.parse(oldDue) - 2000 - Date.now() + 1000);
      expect(rec.reminders()).toEqual([]);

      const resumed = await act(handle, resumeProgrammeUpdate, { actor: coordinator });
      const resumedEvent = rec.projections.flatMap((p) => p.pendingEvents).find((e) => e.type === 'programme.resumed')!;
      const pausedForMs = (resumedEvent.data as { pausedForMs: number }).pausedForMs;
      expect(pausedForMs).toBeGreaterThanOrEqual(900);
      const newDue = stepOf(resumed, 'deliver').dueAt!;
      expect(Date.parse(newDue) - Date.parse(oldDue)).toBe(pausedForMs);
      expect(resumedEvent.data).toMatchObject({ dueDatesMovedByMs: pausedForMs, keepDueDates: false });

      // The series restarts on the new due date: its before-due reminder at newDue − 2 s.
      const first = await until('the first reminder', () => rec.reminders()[0]);
      expect(first).toMatchObject({ kind: 'reminder_before_due', data: { reminderKey: `${handle.workflowId}:deliver:before-2:${newDue}` } });
      expect(first.at).toBeGreaterThanOrEqual(Date.parse(newDue) - 2000 - 50);
    });
  });

  it('keeps the due dates with keepDueDates', async () => {
    const rec = recordingActivities();
    await withWorker(t, rec.activities, async (taskQueue) => {
      const handle = await startProgramme(taskQueue, reminderTestTemplate('wf-keep', 30));
      const due = await dueOf(handle, 'deliver');
      await act(handle, pauseProgrammeUpdate, { actor: coordinator });
      await sleep(500);
      const resumed = await act(handle, resumeProgrammeUpdate, { actor: coordinator, keepDueDates: true });
      expect(resumed.status).toBe('active');
      expect(stepOf(resumed, 'deliver').dueAt).toBe(due);
      expect(rec.projections.flatMap((p) => p.pendingEvents).find((e) => e.type === 'programme.resumed')!.data).toMatchObject({ dueDatesMovedByMs: 0, keepDueDates: true });
    });
  });
});

/**
 * Known issue, found by these tests and left to the workflow's owners: when the first workflow
 * task ends before the `resolveDueDate` local activity's result is delivered (a slow first task,
 * e.g. a loaded machine), the run records `patched('projection-local-activity')` in the next
 * task; on replay the result is delivered in the first task, `patched()` is asked where the history
 * has no marker, answers false and the run goes the old way: TMPRL1100. A worker restart (cache
 * eviction) or a query on the closed run then fails. This run was recorded by the "never reminds"
 * test above (it happens about one run in three there). When the workflow decides that patch
 * before its first await (as it does `working-day-calendar`) for new runs, this test keeps
 * documenting the already-recorded shape; delete it once such runs are retired.
 */
describe('known issue: a patch decided after a local activity', () => {
  it('a recorded run whose local activity resolved one task later does not replay', async () => {
    expect(await replayFixture('nondeterminism-patch-after-local-activity.json')).toEqual([expect.stringContaining('Non-deprecated patch marker encountered for change projection-local-activity')]);
  });
});
