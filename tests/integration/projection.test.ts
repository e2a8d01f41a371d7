import { randomUUID } from 'node:crypto';
import { createProjectionActivities } from '../../activities/projection';
import type { ProgrammeState, StepState } from '../../domain/programme-state';
import type { Template } from '../../domain/template-schema';
import { startHarness, type Harness } from '../support/harness';

/**
 * The projection writes one statement: only newer states change the programme, its steps and
 * enrolments (and only the rows that differ), audit events are always added once, and rows of
 * steps or enrolments that left the state are removed.
 */
describe('projection to the read model', () => {
  let h: Harness;
  let project: ReturnType<typeof createProjectionActivities>['projectProgramme'];
  const template = {
    key: 'projection-test',
    version: 1,
    phases: [{ key: 'p1', steps: [{ key: 'a', name: { fr: 'Étape A' }, milestone: true }, { key: 'b', name: { fr: 'Étape B' } }, { key: 'c', name: { fr: 'Étape C' } }] }],
  } as unknown as Template;

  beforeAll(async () => {
    h = await startHarness({ notifier: false, worker: false });
    // No live-update channel here: the projection's own writes are under test.
    project = createProjectionActivities({ prisma: h.prisma, loadTemplateVersion: async () => template, publishChange: async () => undefined }).projectProgramme;
  });
  afterAll(() => h.stop());

  const step = (key: string, position: number, extra: Partial<StepState> = {}): StepState =>
    ({ key, phaseKey: 'p1', position, status: 'active', assignee: { kind: 'coordinator' }, late: false, parts: {}, deliverables: [], remindersSent: [], ...extra }) as StepState;

  function state(id: string, version: number, patch: Partial<ProgrammeState>): ProgrammeState {
    return {
      programmeId: id, title: `Projection ${version}`, templateKey: template.key, templateVersion: 1, status: 'active', startDate: '2026-11-28', startedAt: '2026-11-28T08:00:00.000Z',
      dates: {}, slots: {}, phases: [{ key: 'p1', status: 'active', enrolled: [] }], steps: [], children: [], indicators: {}, milestones: [], moduleState: {}, version,
      // As in a workflow: the last seq handed out covers every event the state carries.
      eventSeq: Math.max(0, ...(patch.pendingEvents ?? []).map((e) => e.seq)), pendingEvents: [],
      ...patch,
    } as ProgrammeState;
  }

  const rows = async (id: string) => ({
    programme: (await h.prisma.programme.findUnique({ where: { id } }))!,
    steps: await h.prisma.step.findMany({ where: { programmeId: id }, orderBy: { key: 'asc' } }),
    enrolments: await h.prisma.enrolment.findMany({ where: { programmeId: id }, orderBy: [{ organisationId: 'asc' }, { phaseKey: 'asc' }] }),
    events: await h.prisma.programmeEvent.findMany({ where: { programmeId: id }, orderBy: { seq: 'asc' } }),
  });

  it('writes what readers need: the template step key and lateness on each row, and each taking-part organisation with its own figures', async () => {
    const id = `prg_projection_${randomUUID()}`;
    const orgs = ['org_q_1', 'org_q_2'];
    const late = (extra: Partial<StepState>) => ({ late: true, dueAt: '2026-11-20T17:00:00.000Z', ...extra });
    await project({
      template: { key: template.key, version: 1 },
      state: state(id, 1, {
        slots: { lead: 'org_q_3' },
        steps: [
          step('a', 1, late({})),
          // org_q_1 did its part (not late for it), org_q_2 did not.
          step('b', 2, late({ assignee: { kind: 'eachPartner', organisationIds: orgs }, parts: { org_q_1: { at: '2026-11-21T09:00:00.000Z', by: 'u' } } })),
          step('c', 3, { assignee: { kind: 'organisation', organisationId: 'org_q_1' }, dueAt: '2026-12-10T17:00:00.000Z' }),
        ],
        phases: [{ key: 'p1', status: 'active', enrolled: [{ organisationId: 'org_q_4', at: '2026-11-28T08:00:00.000Z' }] }],
      }),
    });
    const steps = await h.prisma.step.findMany({ where: { programmeId: id }, orderBy: { key: 'asc' } });
    expect(steps.map((s) => [s.key, s.stepKey, s.late])).toEqual([
      ['a', 'a', true],
      ['b@org_q_1', 'b', false],
      ['b@org_q_2', 'b', true],
      ['c', 'c', false],
    ]);
    const taking = async () =>
      (await h.prisma.programmeOrganisation.findMany({ where: { programmeId: id }, orderBy: { organisationId: 'asc' } })).map((o) => [o.organisationId, o.lateSteps, o.nextDueAt?.toISOString() ?? null]);
    // Enrolled, in a slot or assigned a step; lateness and next due date over its own rows only
    // (org_q_1's part of b is done: c is its next due date).
    expect(await taking()).toEqual([
      ['org_q_1', 0, '2026-12-10T17:00:00.000Z'],
      ['org_q_2', 1, '2026-11-20T17:00:00.000Z'],
      ['org_q_3', 0, null],
      ['org_q_4', 0, null],
    ]);
    // The slot emptied, the late step done: the organisation leaves, the figures follow.
    await project({
      template: { key: template.key, version: 1 },
      state: state(id, 2, {
        steps: [
          step('a', 1, { status: 'completed', completedAt: '2026-11-29T10:00:00.000Z', dueAt: '2026-11-20T17:00:00.000Z' }),
          step('b', 2, { status: 'completed', dueAt: '2026-11-20T17:00:00.000Z', assignee: { kind: 'eachPartner', organisationIds: orgs }, parts: { org_q_1: { at: '2026-11-21T09:00:00.000Z', by: 'u' }, org_q_2: { at: '2026-11-29T09:00:00.000Z', by: 'u' } } }),
          step('c', 3, { assignee: { kind: 'organisation', organisationId: 'org_q_1' }, dueAt: '2026-12-10T17:00:00.000Z' }),
        ],
        phases: [{ key: 'p1', status: 'active', enrolled: [{ organisationId: 'org_q_4', at: '2026-11-28T08:00:00.000Z' }] }],
      }),
    });
    expect((await h.prisma.step.findMany({ where: { programmeId: id }, orderBy: { key: 'asc' } })).map((s) => [s.key, s.late])).toEqual([
      ['a', false],
      ['b@org_q_1', false],
      ['b@org_q_2', false],
      ['c', false],
    ]);
    expect(await taking()).toEqual([
      ['org_q_1', 0, '2026-12-10T17:00:00.000Z'],
      ['org_q_2', 0, null],
      ['org_q_4', 0, null],
    ]);
  });

  it('writes newer states, ignores older ones (events still added once) and removes what left the state', async () => {
    const id = `prg_projection_${randomUUID()}`;
    const orgs = ['org_p_1', 'org_p_2'];
    const ev = (seq: number) => ({ seq, type: 'test.event', at: `2026-11-28T08:00:0${seq}.000Z`, data: { seq } });
    await project({
      template: { key: template.key, version: 1 },
      state: state(id, 1, {
        steps: [step('a', 1, { dueAt: '2026-12-01T17:00:00.000Z' }), step('b', 2, { assignee: { kind: 'eachPartner', organisationIds: orgs }, parts: { org_p_1: { at: '2026-11-28T09:00:00.000Z', by: 'u' } } }), step('c', 3, { status: 'pending' })],
        phases: [{ key: 'p1', status: 'active', enrolled: [{ organisationId: 'org_p_1', at: '2026-11-28T08:00:00.000Z' }, { organisationId: 'org_p_2', at: '2026-11-28T08:30:00.000Z' }, { organisationId: 'org_p_1', at: '2026-11-28T10:00:00.000Z' }] }],
        pendingEvents: [ev(1)],
      }),
    });
    let r = await rows(id);
    expect(r.programme).toMatchObject({ stateVersion: 1, title: 'Projection 1', nextDueAt: new Date('2026-12-01T17:00:00.000Z'), lateSteps: 0 });
    expect(r.steps.map((s) => [s.key, s.status, s.organisationId, s.milestone, s.name])).toEqual([
      ['a', 'active', null, true, 'Étape A'],
      ['b@org_p_1', 'completed', 'org_p_1', false, 'Étape B'],
      ['b@org_p_2', 'active', 'org_p_2', false, 'Étape B'],
      ['c', 'pending', null, false, 'Étape C'],
    ]);
    // The first of duplicate enrolments wins.
    expect(r.enrolments.map((e) => [e.organisationId, e.enrolledAt.toISOString()])).toEqual([
      ['org_p_1', '2026-11-28T08:00:00.000Z'],
      ['org_p_2', '2026-11-28T08:30:00.000Z'],
    ]);
    expect(r.events.map((e) => e.seq)).toEqual([1]);

    // Version 3: a completed, c removed from the state, org_p_2 no longer enrolled.
    await project({
      template: { key: template.key, version: 1 },
      state: state(id, 3, {
        steps: [step('a', 1, { status: 'completed', completedAt: '2026-11-29T10:00:00.000Z', dueAt: '2026-12-01T17:00:00.000Z' }), step('b', 2, { assignee: { kind: 'eachPartner', organisationIds: orgs }, parts: { org_p_1: { at: '2026-11-28T09:00:00.000Z', by: 'u' } } })],
        phases: [{ key: 'p1', status: 'active', enrolled: [{ organisationId: 'org_p_1', at: '2026-11-28T08:00:00.000Z' }] }],
        pendingEvents: [ev(2), ev(3)],
      }),
    });
    // Version 2 arrives late (a retried activity): nothing but its events changes.
    await project({
      template: { key: template.key, version: 1 },
      state: state(id, 2, { steps: [step('a', 1), step('z', 9)], phases: [{ key: 'p1', status: 'active', enrolled: [{ organisationId: 'org_p_9', at: '2026-11-28T08:00:00.000Z' }] }], pendingEvents: [ev(2), ev(4)] }),
    });
    // The same version again changes nothing either.
    await project({ template: { key: template.key, version: 1 }, state: state(id, 3, { title: 'Not this one', steps: [] }) });

    r = await rows(id);
    expect(r.programme).toMatchObject({ stateVersion: 3, title: 'Projection 3', nextDueAt: null });
    expect(r.steps.map((s) => [s.key, s.status, s.completedAt?.toISOString() ?? null])).toEqual([
      ['a', 'completed', '2026-11-29T10:00:00.000Z'],
      ['b@org_p_1', 'completed', null],
      ['b@org_p_2', 'active', null],
    ]);
    expect(r.enrolments.map((e) => e.organisationId)).toEqual(['org_p_1']);
    expect(r.events.map((e) => [e.seq, e.data])).toEqual([[1, { seq: 1 }], [2, { seq: 2 }], [3, { seq: 3 }], [4, { seq: 4 }]]);
    expect((r.programme.state as { pendingEvents?: unknown }).pendingEvents).toBeUndefined();
  });

  /**
   * Issue 22, the long topology drill's stale row: a workflow task abandoned by its worker (it
   * timed out while the worker restarted) still ran its local projection of version 16 (step
   * completed at 02:02:17, the abandoned attempt's clock); the retried task computed version 16
   * too, completed at 02:02:37, and its write was ignored ("only a newer version"). Both orders of
   * arrival, the retry of a retry (same history length, later task), a continue-as-new (a later run
   * with a shorter history) and rows from before the position.
   */
  describe('the latest workflow task wins, whichever write lands first', () => {
    const run = '2026-12-01T01:58:00.000Z';
    const at = (hl: number, taskAt: string, runStartedAt = run) => ({ runStartedAt, historyLength: hl, taskAt });
    const completedAt = (time: string) =>
      state('', 16, {
        steps: [step('a', 1, { status: 'completed', completedAt: time }), step('b', 2)],
        pendingEvents: [{ seq: 7, type: 'step.completed', at: time, data: { stepKey: 'a' } }],
      });
    const abandoned = (id: string) => ({ ...completedAt('2026-12-01T02:02:17.256Z'), programmeId: id });
    const retried = (id: string) => ({ ...completedAt('2026-12-01T02:02:37.101Z'), programmeId: id });
    const projected = async (id: string) => {
      const r = await rows(id);
      const stored = r.programme.state as unknown as ProgrammeState;
      return { version: r.programme.stateVersion, completedAt: stored.steps[0]!.completedAt, stepRow: r.steps[0]!.completedAt?.toISOString(), events: r.events.map((e) => [e.seq, e.at.toISOString()]) };
    };
    const before = async (id: string) => {
      // Version 15, projected by the task before (history length 40).
      await project({ template: { key: template.key, version: 1 }, state: state(id, 15, { steps: [step('a', 1), step('b', 2)], pendingEvents: [{ seq: 6, type: 'x', at: '2026-12-01T02:00:00.000Z', data: {} }] }), position: at(40, '2026-12-01T02:00:00.000Z') });
    };
    const retriedRow = { version: 16, completedAt: '2026-12-01T02:02:37.101Z', stepRow: '2026-12-01T02:02:37.101Z', events: [[6, '2026-12-01T02:00:00.000Z'], [7, '2026-12-01T02:02:37.101Z']] };

    it('the abandoned task writes first: the retried task, later in history, replaces its write and its events', async () => {
      const id = `prg_projection_${randomUUID()}`;
      await before(id);
      // The abandoned attempt also handed out an event the retry never made (seq 8).
      const zombie = abandoned(id);
      zombie.eventSeq = 8;
      zombie.pendingEvents = [...zombie.pendingEvents, { seq: 8, type: 'step.activated', at: '2026-12-01T02:02:17.256Z', data: {} }];
      await project({ template: { key: template.key, version: 1 }, state: zombie, position: at(43, '2026-12-01T02:02:17.256Z') });
      expect((await projected(id)).completedAt).toBe('2026-12-01T02:02:17.256Z');
      // Timed out: WorkflowTaskTimedOut, then the retry's scheduled and started events (history length 46).
      await project({ template: { key: template.key, version: 1 }, state: retried(id), position: at(46, '2026-12-01T02:02:37.101Z') });
      expect(await projected(id)).toEqual(retriedRow);
    });

    it('the abandoned task writes last: its write changes nothing', async () => {
      const id = `prg_projection_${randomUUID()}`;
      await before(id);
      await project({ template: { key: template.key, version: 1 }, state: retried(id), position: at(46, '2026-12-01T02:02:37.101Z') });
      await project({ template: { key: template.key, version: 1 }, state: abandoned(id), position: at(43, '2026-12-01T02:02:17.256Z') });
      expect(await projected(id)).toEqual(retriedRow);
    });

    it('a retry of a retry sees the same history length (the failed retry is not written): the later task wins', async () => {
      const id = `prg_projection_${randomUUID()}`;
      await before(id);
      await project({ template: { key: template.key, version: 1 }, state: retried(id), position: at(46, '2026-12-01T02:02:37.101Z') });
      await project({ template: { key: template.key, version: 1 }, state: abandoned(id), position: at(46, '2026-12-01T02:02:17.256Z') });
      expect(await projected(id)).toEqual(retriedRow);
    });

    it('an abandoned task that got further (version 17) loses to the retried task that did not', async () => {
      const id = `prg_projection_${randomUUID()}`;
      await before(id);
      await project({ template: { key: template.key, version: 1 }, state: { ...abandoned(id), version: 17 }, position: at(43, '2026-12-01T02:02:17.256Z') });
      await project({ template: { key: template.key, version: 1 }, state: retried(id), position: at(46, '2026-12-01T02:02:37.101Z') });
      expect(await projected(id)).toEqual(retriedRow);
    });

    it('a continued-as-new run, with a shorter history, replaces the previous run; a late write of the previous run does not', async () => {
      const id = `prg_projection_${randomUUID()}`;
      await project({ template: { key: template.key, version: 1 }, state: abandoned(id), position: at(8_004, '2026-12-01T02:02:17.256Z') });
      await project({ template: { key: template.key, version: 1 }, state: retried(id), position: at(5, '2026-12-01T02:02:37.101Z', '2026-12-01T02:02:30.000Z') });
      await project({ template: { key: template.key, version: 1 }, state: { ...abandoned(id), version: 17 }, position: at(8_010, '2026-12-01T02:02:20.000Z') });
      expect((await projected(id)).completedAt).toBe('2026-12-01T02:02:37.101Z');
    });

    it('rows and projections from before the position: a newer version wins; at the same version, the write with a position', async () => {
      const id = `prg_projection_${randomUUID()}`;
      await project({ template: { key: template.key, version: 1 }, state: abandoned(id) });
      await project({ template: { key: template.key, version: 1 }, state: retried(id), position: at(46, '2026-12-01T02:02:37.101Z') });
      expect(await projected(id)).toEqual({ ...retriedRow, events: [[7, '2026-12-01T02:02:37.101Z']] });
      // A projection scheduled by older workflow code: the same version changes nothing, a newer one is written.
      await project({ template: { key: template.key, version: 1 }, state: abandoned(id) });
      expect((await projected(id)).completedAt).toBe('2026-12-01T02:02:37.101Z');
      await project({ template: { key: template.key, version: 1 }, state: { ...abandoned(id), version: 17 } });
      expect(await projected(id)).toMatchObject({ version: 17, completedAt: '2026-12-01T02:02:17.256Z' });
    });
  });
});
