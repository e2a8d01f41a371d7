import type { TemplateInput } from '../../domain/template-schema';
import { programmeStateQuery } from '../../workflows/programme';
import { apiClient, createOrganisation, createUser, publishTemplates, startHarness, waitFor, type Harness, type TestUser } from '../support/harness';

/**
 * The journal is bounded through the real workflow: every Update type the API sends
 * (programmeStarted, completeStep, changeStep, addDeliverable, reviewDeliverable, recordIndicator,
 * openChild, pauseProgramme, resumeProgramme, enrolOrganisation, approvePhase, cancelProgramme)
 * writes a few events, once; the last step writes one `programme.completed`.
 */
describe('one event per change, for every Update type', () => {
  let h: Harness;
  let api: ReturnType<typeof apiClient>;
  let coordinator: TestUser;
  const suffix = Date.now();
  const child: TemplateInput = {
    key: `bounds-child-${suffix}`,
    version: 1,
    name: { fr: 'Sous-programme', en: 'Sub-programme' },
    phases: [{ key: 'work', name: { fr: 'Travail', en: 'Work' }, steps: [{ key: 'do', name: { fr: 'Faire', en: 'Do' }, assignee: { kind: 'coordinator' } }] }],
  };
  const parent: TemplateInput = {
    key: `bounds-${suffix}`,
    version: 1,
    labels: { dateParams: { deadline: { fr: 'Date limite' } } },
    name: { fr: 'Journal borné', en: 'Bounded journal' },
    dateParams: ['deadline'],
    indicators: [{ key: 'interviews', name: { fr: 'Entretiens', en: 'Interviews' }, target: 1 }],
    children: [{ key: 'sub', templateKey: child.key, title: { fr: 'Secteur', en: 'Sector' }, start: 'byCoordinator' }],
    phases: [
      {
        key: 'framing',
        name: { fr: 'Cadrage', en: 'Framing' },
        steps: [
          { key: 'kickoff', name: { fr: 'Lancement', en: 'Kick-off' }, assignee: { kind: 'coordinator' } },
          {
            key: 'report',
            name: { fr: 'Rapport', en: 'Report' },
            assignee: { kind: 'coordinator' },
            dependsOn: ['kickoff'],
            due: { from: 'param', param: 'deadline' },
            deliverables: [{ kind: 'report', label: { fr: 'Rapport', en: 'Report' }, min: 1, acceptance: true }],
          },
        ],
      },
      { key: 'trial', name: { fr: 'Essai', en: 'Trial' }, gate: {}, capacity: { min: 1, max: 2 }, steps: [{ key: 'run', name: { fr: 'Conduire', en: 'Run' }, assignee: { kind: 'coordinator' } }] },
    ],
  };

  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    api = apiClient(h.apiUrl);
    await publishTemplates(h.prisma, [child, parent]);
    coordinator = await createUser(h, 'coordinator');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('writes a bounded number of events per Update and one programme.completed', async () => {
    const deadline = new Date(Date.now() + 30 * 86_400_000).toISOString();
    const started = await api.post('/api/v1/programmes', { templateKey: parent.key, title: 'Journal borné', startDate: '2026-11-28', params: { dates: { deadline } } }, coordinator.token);
    expect(started.status).toBe(201);
    const id = started.body.id as string;
    const seqOf = async (programmeId = id) => (await h.client.workflow.getHandle(programmeId).query(programmeStateQuery)).eventSeq;
    // Per Update: the range of seqs it numbered, read back as event types from the journal at the end.
    const perUpdate: Record<string, [number, number]> = { programmeStarted: [0, await seqOf()] };
    const post = (path: string, body: unknown = {}) => api.post(`/api/v1/programmes/${id}${path}`, body, coordinator.token);
    const later = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
    let childId = '';

    const actions: [string, () => Promise<{ status: number; body: any }>][] = [
      ['completeStep', () => post('/steps/kickoff/complete')],
      ['changeStep', () => api.patch(`/api/v1/programmes/${id}/steps/report`, { dueAt: later(40), reason: 'Report' }, coordinator.token)],
      ['addDeliverable', () => post('/steps/report/deliverables', { title: 'Rapport', url: 'https://example.org/rapport.pdf', kind: 'report' })],
      ['reviewDeliverable', async () => {
        const state = await h.client.workflow.getHandle(id).query(programmeStateQuery);
        const deliverable = state.steps.find((s) => s.key === 'report')!.deliverables[0]!;
        return post(`/steps/report/deliverables/${deliverable.id}/review`, { decision: 'accepted' });
      }],
      ['recordIndicator', () => post('/indicators/interviews', { value: 1 })],
      ['openChild', async () => {
        const res = await post('/children', { childKey: 'sub', title: 'Secteur Nord' });
        childId = res.body.id;
        return res;
      }],
      ['pauseProgramme', () => post('/pause')],
      ['resumeProgramme', () => post('/resume')],
      ['completeStep.lastOfPhase', () => post('/steps/report/complete')],
      ['enrolOrganisation', async () => post('/partners', { organisationId: await createOrganisation(h), phaseKey: 'trial' })],
      ['approvePhase', () => post('/phases/trial/approve')],
    ];
    for (const [name, run] of actions) {
      const before = await seqOf();
      const res = await run();
      expect({ name, status: res.status < 300 ? 'ok' : res.status, body: res.status < 300 ? undefined : res.body }).toEqual({ name, status: 'ok', body: undefined });
      perUpdate[name] = [before, await seqOf()];
    }
    // cancelProgramme, on the sub-programme (the parent then closes normally).
    await waitFor('the child started', async () => (await h.prisma.programme.findUnique({ where: { id: childId } })) ?? undefined);
    const childBefore = await seqOf(childId);
    expect((await api.post(`/api/v1/programmes/${childId}/cancel`, { reason: 'Secteur abandonné' }, coordinator.token)).status).toBe(200);
    const childAfter = await seqOf(childId);
    const before = await seqOf();
    expect((await post('/steps/run/complete')).status).toBe(200);
    perUpdate['completeStep.last'] = [before, await seqOf()];

    await waitFor('the parent completed in the read model', async () => (await h.prisma.programme.findUnique({ where: { id } }))?.status === 'completed');
    await waitFor('the child cancelled in the read model', async () => (await h.prisma.programme.findUnique({ where: { id: childId } }))?.status === 'cancelled');
    const events = await h.prisma.programmeEvent.findMany({ where: { programmeId: id }, orderBy: { seq: 'asc' } });
    const typesIn = (list: { seq: number; type: string }[], [from, to]: [number, number]) => list.filter((e) => e.seq > from && e.seq <= to).map((e) => e.type);
    const childEvents = await h.prisma.programmeEvent.findMany({ where: { programmeId: childId }, orderBy: { seq: 'asc' } });
    expect({ ...Object.fromEntries(Object.entries(perUpdate).map(([name, range]) => [name, typesIn(events, range)])), cancelProgramme: typesIn(childEvents, [childBefore, childAfter]) }).toEqual({
      programmeStarted: ['programme.started', 'phase.opened', 'step.activated'],
      completeStep: ['step.completed', 'step.activated'],
      changeStep: ['step.due_changed'],
      addDeliverable: ['deliverable.added'],
      reviewDeliverable: ['deliverable.accepted'],
      recordIndicator: ['indicator.recorded'],
      openChild: ['child.started'],
      pauseProgramme: ['programme.paused'],
      resumeProgramme: ['programme.resumed'],
      'completeStep.lastOfPhase': ['step.completed', 'phase.completed', 'phase.awaiting_gate'],
      enrolOrganisation: ['organisation.enrolled'],
      approvePhase: ['phase.opened', 'step.activated'],
      cancelProgramme: ['programme.cancelled'],
      'completeStep.last': ['step.completed', 'phase.completed', 'programme.completed'],
    });
    const count = (type: string) => events.filter((e) => e.type === type).length;
    expect({ started: count('programme.started'), completed: count('programme.completed'), paused: count('programme.paused'), resumed: count('programme.resumed'), dueChanged: count('step.due_changed') }).toEqual({
      started: 1,
      completed: 1,
      paused: 1,
      resumed: 1,
      dueChanged: 1,
    });
    // Every event the workflow numbered reached the journal once, and nothing else did.
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: await seqOf() }, (_, i) => i + 1));
  });
});
