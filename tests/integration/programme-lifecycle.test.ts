import { Worker } from '@temporalio/worker';
import { apiClient, createOrganisation, createUser, publishTemplates, startHarness, workflowBundle, type Harness, type TestUser } from '../support/harness';
import { recordHistory } from '../support/histories';
import { expectReadModelInSync } from '../support/read-model';
import { engineTestTemplate } from '../support/test-templates';

/**
 * A programme from start to completion through every kind of human action, on the real
 * Temporal dev server, checking after each action that PostgreSQL holds exactly what the
 * workflow's query answers, and that refusals carry distinct reasons and change nothing.
 */
describe('programme lifecycle on the real Temporal server', () => {
  let h: Harness;
  let api: ReturnType<typeof apiClient>;
  let coordinator: TestUser;
  let contractorUser: TestUser;
  let partnerX: TestUser;
  let partnerY: TestUser;
  let orgC: string, orgX: string, orgY: string, orgZ: string;
  const templateKey = `lifecycle-${Date.now()}`;

  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    api = apiClient(h.apiUrl);
    await publishTemplates(h.prisma, [engineTestTemplate(templateKey)]);
    [orgC, orgX, orgY, orgZ] = await Promise.all([createOrganisation(h), createOrganisation(h), createOrganisation(h), createOrganisation(h)]);
    coordinator = await createUser(h, 'coordinator');
    contractorUser = await createUser(h, 'partner', orgC);
    partnerX = await createUser(h, 'partner', orgX);
    partnerY = await createUser(h, 'partner', orgY);
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** Sends a refused action and checks its status, reason code and that the programme did not move. */
  async function expectRefusal(id: string, send: () => Promise<{ status: number; body: any }>, status: number, code: string) {
    const before = await expectReadModelInSync(h, id);
    const res = await send();
    expect({ status: res.status, code: res.body?.code }).toEqual({ status, code });
    expect(res.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) });
    const after = await expectReadModelInSync(h, id);
    expect(after.version).toBe(before.version);
    expect(after.eventSeq).toBe(before.eventSeq);
    return res.body.detail as string;
  }

  it('runs start → completion through every action, read model in step with the workflow', async () => {
    const start = await api.post('/api/v1/programmes', { templateKey, title: 'Parcours complet', startDate: '2026-11-28', params: { slots: { contractor: orgC } } }, coordinator.token);
    expect(start.status).toBe(201);
    const id: string = start.body.id;
    const reasons: string[] = [];
    await expectReadModelInSync(h, id);

    // A step that is not active yet.
    reasons.push(await expectRefusal(id, () => api.post(`/api/v1/programmes/${id}/steps/report/complete`, {}, contractorUser.token), 409, 'step_not_active'));

    const kickoff = await api.post(`/api/v1/programmes/${id}/steps/kickoff/complete`, { note: 'Réunion tenue' }, coordinator.token);
    expect(kickoff.status).toBe(200);
    expect(kickoff.body).toMatchObject({ key: 'kickoff', status: 'completed', completedBy: coordinator.id });
    let state = await expectReadModelInSync(h, id);
    const report = state.steps.find((s) => s.key === 'report')!;
    expect(report).toMatchObject({ status: 'active', assignee: { kind: 'organisation', organisationId: orgC } });
    expect(Date.parse(report.dueAt!) - Date.parse(state.steps.find((s) => s.key === 'kickoff')!.completedAt!)).toBe(600_000);

    // Enrolment before the phase opens, up to its capacity.
    expect((await api.post(`/api/v1/programmes/${id}/partners`, { organisationId: orgX, phaseKey: 'trial' }, coordinator.token)).status).toBe(201);
    expect((await api.post(`/api/v1/programmes/${id}/partners`, { organisationId: orgY, phaseKey: 'trial' }, coordinator.token)).status).toBe(201);
    await expectReadModelInSync(h, id);
    reasons.push(await expectRefusal(id, () => api.post(`/api/v1/programmes/${id}/partners`, { organisationId: orgZ, phaseKey: 'trial' }, coordinator.token), 409, 'phase_full'));

    // Completion by the wrong organisation, then without the required deliverable.
    reasons.push(await expectRefusal(id, () => api.post(`/api/v1/programmes/${id}/steps/report/complete`, {}, partnerX.token), 403, 'not_assignee'));
    reasons.push(await expectRefusal(id, () => api.post(`/api/v1/programmes/${id}/steps/report/complete`, {}, contractorUser.token), 422, 'deliverable_missing'));

    // Reassign and back, extend the due date.
    expect((await api.patch(`/api/v1/programmes/${id}/steps/report`, { assignee: orgX, reason: 'intérim' }, coordinator.token)).body.assignee).toEqual({ kind: 'organisation', organisationId: orgX, slot: 'contractor' });
    expect((await api.patch(`/api/v1/programmes/${id}/steps/report`, { assignee: orgC }, coordinator.token)).status).toBe(200);
    const extended = await api.patch(`/api/v1/programmes/${id}/steps/report`, { dueDate: '2027-01-15', reason: 'congés' }, coordinator.token);
    expect(extended.status).toBe(200);
    expect(extended.body).toMatchObject({ dueDate: '2027-01-15', dueAt: '2027-01-15T17:00:00.000Z' });
    await expectReadModelInSync(h, id);

    // Deliverable, completion refused until accepted, acceptance, completion.
    const deliverable = await api.post(`/api/v1/programmes/${id}/steps/report/deliverables`, { title: 'Rapport final', url: 'https://example.org/rapport.pdf' }, contractorUser.token);
    expect(deliverable.status).toBe(201);
    expect(deliverable.body).toMatchObject({ kind: 'report', status: 'submitted', organisationId: orgC });
    reasons.push(await expectRefusal(id, () => api.post(`/api/v1/programmes/${id}/steps/report/complete`, { deliverableIds: [deliverable.body.id] }, contractorUser.token), 422, 'deliverable_not_accepted'));
    const accepted = await api.post(`/api/v1/programmes/${id}/steps/report/deliverables/${deliverable.body.id}/review`, { decision: 'accepted', note: 'Conforme' }, coordinator.token);
    expect(accepted.status).toBe(200);
    reasons.push(await expectRefusal(id, () => api.post(`/api/v1/programmes/${id}/steps/report/deliverables/${deliverable.body.id}/review`, { decision: 'rejected' }, coordinator.token), 409, 'deliverable_already_reviewed'));
    const done = await api.post(`/api/v1/programmes/${id}/steps/report/complete`, { deliverableIds: [deliverable.body.id] }, contractorUser.token);
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('completed');
    state = await expectReadModelInSync(h, id);
    expect(state.phases.map((p) => p.status)).toEqual(['completed', 'awaiting_gate']);

    // The gate: approved once, refused the second time.
    const approved = await api.post(`/api/v1/programmes/${id}/phases/trial/approve`, {}, coordinator.token);
    expect(approved.status).toBe(200);
    expect(approved.body.phases[1]).toMatchObject({ key: 'trial', status: 'active', capacity: { min: 1, max: 2, enrolled: 2 } });
    reasons.push(await expectRefusal(id, () => api.post(`/api/v1/programmes/${id}/phases/trial/approve`, {}, coordinator.token), 409, 'gate_not_pending'));

    // Pause: nothing moves while paused.
    expect((await api.post(`/api/v1/programmes/${id}/pause`, {}, coordinator.token)).body.status).toBe('paused');
    reasons.push(await expectRefusal(id, () => api.post(`/api/v1/programmes/${id}/steps/run-trial/complete`, {}, partnerX.token), 409, 'programme_not_active'));
    expect((await api.post(`/api/v1/programmes/${id}/resume`, {}, coordinator.token)).body.status).toBe('active');

    // "Each partner" step: every enrolled organisation completes its own part.
    const partX = await api.post(`/api/v1/programmes/${id}/steps/run-trial/complete`, { note: 'fait' }, partnerX.token);
    expect(partX.status).toBe(200);
    expect(partX.body).toMatchObject({ status: 'active', assignee: { kind: 'eachPartner', organisationIds: [orgX] } });
    expect(Object.keys(partX.body.parts)).toEqual([orgX]);
    reasons.push(await expectRefusal(id, () => api.post(`/api/v1/programmes/${id}/steps/run-trial/complete`, {}, partnerX.token), 409, 'part_already_completed'));
    expect((await api.post(`/api/v1/programmes/${id}/steps/run-trial/complete`, {}, partnerY.token)).body.status).toBe('completed');
    await expectReadModelInSync(h, id);

    // Indicator threshold, then the last step completes the programme.
    reasons.push(await expectRefusal(id, () => api.post(`/api/v1/programmes/${id}/steps/interviews/complete`, {}, coordinator.token), 422, 'indicator_below_target'));
    expect((await api.post(`/api/v1/programmes/${id}/indicators/interviews`, { increment: 2 }, coordinator.token)).body.indicators).toEqual([expect.objectContaining({ key: 'interviews', name: 'Entretiens', target: 3, actual: 2, period: null, cells: [] })]);
    expect((await api.post(`/api/v1/programmes/${id}/steps/interviews/complete`, {}, coordinator.token)).status).toBe(200);
    state = await expectReadModelInSync(h, id);
    expect(state.status).toBe('completed');
    expect(state.milestones.map((m) => m.key)).toEqual(['kickoff', 'interviews']);

    // Every refusal said something different.
    expect(new Set(reasons).size).toBe(reasons.length);

    // The audit trail names who did what, a coordinator acting for an organisation included.
    const events = await api.get(`/api/v1/programmes/${id}/events?limit=200`, coordinator.token);
    const types = events.body.items.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['programme.started', 'step.completed', 'organisation.enrolled', 'deliverable.added', 'deliverable.accepted', 'phase.opened', 'step.due_changed', 'step.reassigned', 'programme.paused', 'programme.resumed', 'indicator.recorded', 'programme.completed']));
    const seqs = events.body.items.map((e: { seq: number }) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(events.body.items.find((e: any) => e.type === 'step.completed' && e.data.stepKey === 'report')).toMatchObject({ actorId: contractorUser.id });
    await recordHistory(h, id, 'lifecycle-every-action');

    // This run (today's commands: the projection as a local activity, patched) replays as well.
    const history = await h.client.workflow.getHandle(id).fetchHistory();
    expect(history.events?.some((e) => e.markerRecordedEventAttributes?.markerName === 'core_local_activity')).toBe(true);
    const replays = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, [{ workflowId: id, history }])) replays.push(result);
    expect(replays.map((r) => r.error)).toEqual([undefined]);
  });

  it('cancels with a reason; afterwards the lifecycle refuses actions', async () => {
    const start = await api.post('/api/v1/programmes', { templateKey, title: 'À annuler', startDate: '2026-11-28', params: { slots: { contractor: orgC } } }, coordinator.token);
    const id = start.body.id;
    expect((await api.post(`/api/v1/programmes/${id}/cancel`, { reason: 'Financement retiré' }, coordinator.token)).body).toMatchObject({ status: 'cancelled', cancelReason: 'Financement retiré' });
    const state = await expectReadModelInSync(h, id);
    expect(state.steps.every((s) => s.status === 'cancelled')).toBe(true);
    await expectRefusal(id, () => api.post(`/api/v1/programmes/${id}/steps/kickoff/complete`, {}, coordinator.token), 409, 'programme_not_active');
    await recordHistory(h, id, 'lifecycle-cancelled');
  });

  it('keeps partners to their own programmes and steps', async () => {
    const start = await api.post('/api/v1/programmes', { templateKey, title: 'Isolation', startDate: '2026-11-28', params: { slots: { contractor: orgC } } }, coordinator.token);
    const id = start.body.id;
    // Not involved: the programme does not exist as far as this partner can tell.
    expect((await api.get(`/api/v1/programmes/${id}`, partnerY.token)).status).toBe(404);
    expect((await api.post(`/api/v1/programmes/${id}/steps/kickoff/complete`, {}, partnerY.token)).status).toBe(404);
    const list = await api.get('/api/v1/programmes?limit=200', partnerY.token);
    expect(list.body.items.map((p: { id: string }) => p.id)).not.toContain(id);
    // The contractor sees the programme, but only its own steps.
    const seen = await api.get(`/api/v1/programmes/${id}`, contractorUser.token);
    expect(seen.status).toBe(200);
    expect(seen.body.phases.flatMap((p: any) => p.steps.map((s: any) => s.key))).toEqual(['report']);
  });

  it('answers a retried write with the same Idempotency-Key once', async () => {
    const headers = { 'Idempotency-Key': `start-${Date.now()}` };
    const body = { templateKey, title: 'Idempotent', startDate: '2026-11-28', params: { slots: { contractor: orgC } } };
    const first = await api.post('/api/v1/programmes', body, coordinator.token, headers);
    const second = await api.post('/api/v1/programmes', body, coordinator.token, headers);
    expect(first.status).toBe(201);
    expect(second.body.id).toBe(first.body.id);
    const completeHeaders = { 'Idempotency-Key': `kickoff-${Date.now()}` };
    const a = await api.post(`/api/v1/programmes/${first.body.id}/steps/kickoff/complete`, { note: 'une fois' }, coordinator.token, completeHeaders);
    const b = await api.post(`/api/v1/programmes/${first.body.id}/steps/kickoff/complete`, { note: 'une fois' }, coordinator.token, completeHeaders);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    const state = await expectReadModelInSync(h, first.body.id);
    expect(state.pendingEvents.length + (await h.prisma.programmeEvent.count({ where: { programmeId: first.body.id, type: 'step.completed' } }))).toBe(1);
  });

  it('refuses malformed input before it reaches the workflow', async () => {
    const bad = await api.call('POST', '/api/v1/programmes', { token: coordinator.token, raw: '{"templateKey": ' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const wrong = await api.post('/api/v1/programmes', { templateKey, title: '', startDate: '2026-02-30', extra: true }, coordinator.token);
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['body.title', 'body.startDate']));
    const unknownTemplate = await api.post('/api/v1/programmes', { templateKey: 'nope', title: 'x', startDate: '2026-11-28' }, coordinator.token);
    expect({ status: unknownTemplate.status, code: unknownTemplate.body.code }).toEqual({ status: 422, code: 'unknown_reference' });
    expect((await api.post('/api/v1/programmes', { templateKey, title: 'x', startDate: '2026-11-28' }, partnerX.token)).status).toBe(403);
    expect((await api.post('/api/v1/programmes', { templateKey, title: 'x', startDate: '2026-11-28' })).status).toBe(401);
  });
});
