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
      dates: {}, slots: {}, phases: [{ key: 'p1', status: 'active', enrolled: [] }], steps: [], children: [], indicators: {}, milestones: [], moduleState: {}, version, eventSeq: 0, pendingEvents: [],
      ...patch,
    } as ProgrammeState;
  }

  const rows = async (id: string) => ({
    programme: (await h.prisma.programme.findUnique({ where: { id } }))!,
    steps: await h.prisma.step.findMany({ where: { programmeId: id }, orderBy: { key: 'asc' } }),
    enrolments: await h.prisma.enrolment.findMany({ where: { programmeId: id }, orderBy: [{ organisationId: 'asc' }, { phaseKey: 'asc' }] }),
    events: await h.prisma.programmeEvent.findMany({ where: { programmeId: id }, orderBy: { seq: 'asc' } }),
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
});
