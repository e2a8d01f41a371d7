import { apiClient, createOrganisation, createUser, startHarness, waitFor, type Harness, type TestUser } from '../support/harness';
import { recordHistory } from '../support/histories';
import { expectReadModelInSync, waitForReadModelInSync } from '../support/read-model';

/**
 * The built-in lifecycles on the real Temporal server, with their specific rules: DEFI's
 * capacities and its evaluation gate waiting for the evaluation tender's award, the tender's
 * minimum of three providers, late bids and private bids, TI action 23's sectors opened on
 * demand with their ordered steps. Also: a template published after a start changes nothing
 * for the running programme.
 */
describe('built-in lifecycles', () => {
  let h: Harness;
  let api: ReturnType<typeof apiClient>;
  let coordinator: TestUser;

  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    api = apiClient(h.apiUrl);
    coordinator = await createUser(h, 'coordinator');
  });
  afterAll(async () => {
    await h?.stop();
  });

  const ok = async (p: Promise<{ status: number; body: any }>, status = 200) => {
    const res = await p;
    expect({ status: res.status, detail: res.body?.detail }).toEqual({ status, detail: undefined });
    return res.body;
  };

  it('DEFI: capacities per phase, tenders as sub-programmes, the evaluation gate waits for the award', async () => {
    const defi = await ok(api.post('/api/v1/programmes', { templateKey: 'defi', title: 'DEFI — Destination Formation Innovante', startDate: '2021-01-04' }, coordinator.token), 201);
    expect(defi.phases.map((p: { key: string }) => p.key)).toEqual(['launch', 'test', 'experimentation', 'deployment', 'evaluation']);
    expect(defi.children.map((c: { childKey: string }) => c.childKey)).toEqual(['tender-intellectual-property', 'tender-communication', 'tender-evaluation']);
    // Issue 21: the start answers once DEFI itself is readable; its three tenders project themselves right after.
    const children = await waitFor('the three tenders in the read model', async () => {
      const rows = await h.prisma.programme.findMany({ where: { parentId: defi.id }, orderBy: { id: 'asc' } });
      return rows.length === 3 && rows;
    }, 10_000);
    expect(children.map((c) => c.templateKey)).toEqual(['tender', 'tender', 'tender']);

    // Test takes exactly one training organisation; Déploiement ten. Enrolment works before a phase opens.
    const ofs = await Promise.all(Array.from({ length: 12 }, () => createOrganisation(h)));
    await ok(api.post(`/api/v1/programmes/${defi.id}/partners`, { organisationId: ofs[0], phaseKey: 'test' }, coordinator.token), 201);
    const second = await api.post(`/api/v1/programmes/${defi.id}/partners`, { organisationId: ofs[1], phaseKey: 'test' }, coordinator.token);
    expect({ status: second.status, code: second.body.code }).toEqual({ status: 409, code: 'phase_full' });
    for (const of of ofs.slice(1, 11)) await ok(api.post(`/api/v1/programmes/${defi.id}/partners`, { organisationId: of, phaseKey: 'deployment' }, coordinator.token), 201);
    const eleventh = await api.post(`/api/v1/programmes/${defi.id}/partners`, { organisationId: ofs[11], phaseKey: 'deployment' }, coordinator.token);
    expect({ status: eleventh.status, code: eleventh.body.code }).toEqual({ status: 409, code: 'phase_full' });
    const state = await expectReadModelInSync(h, defi.id);
    expect(state.phases.find((p) => p.key === 'deployment')!.enrolled).toHaveLength(10);

    // The evaluation tender, run as a child programme: at least three providers, private bids, late bids refused.
    const tenderId = `${defi.id}.tender-evaluation`;
    const providers = await Promise.all([createOrganisation(h, undefined, 'contractor'), createOrganisation(h, undefined, 'contractor'), createOrganisation(h, undefined, 'contractor')]);
    const [pa, pb, pc] = await Promise.all(providers.map((o) => createUser(h, 'partner', o)));
    await ok(api.post(`/api/v1/programmes/${tenderId}/steps/write-specification/deliverables`, { title: 'Cahier des charges évaluation', url: 'https://example.org/cdc.pdf' }, coordinator.token), 201);
    await ok(api.post(`/api/v1/programmes/${tenderId}/steps/write-specification/complete`, {}, coordinator.token));
    await ok(api.post(`/api/v1/programmes/${tenderId}/partners`, { organisationId: providers[0], phaseKey: 'consultation' }, coordinator.token), 201);
    await ok(api.post(`/api/v1/programmes/${tenderId}/partners`, { organisationId: providers[1], phaseKey: 'consultation' }, coordinator.token), 201);
    const tooFew = await api.post(`/api/v1/programmes/${tenderId}/steps/send/complete`, {}, coordinator.token);
    expect({ status: tooFew.status, code: tooFew.body.code }).toEqual({ status: 422, code: 'too_few_providers' });
    await ok(api.post(`/api/v1/programmes/${tenderId}/partners`, { organisationId: providers[2], phaseKey: 'consultation' }, coordinator.token), 201);
    await ok(api.post(`/api/v1/programmes/${tenderId}/steps/send/complete`, {}, coordinator.token));
    // The answers deadline: soon.
    await ok(api.patch(`/api/v1/programmes/${tenderId}/steps/answers`, { dueAt: new Date(Date.now() + 4000).toISOString() }, coordinator.token));
    await ok(api.post(`/api/v1/programmes/${tenderId}/steps/answers/deliverables`, { title: 'Offre A', url: 'https://a.example/offre.pdf' }, pa!.token), 201);
    await ok(api.post(`/api/v1/programmes/${tenderId}/steps/answers/deliverables`, { title: 'Offre B', url: 'https://b.example/offre.pdf' }, pb!.token), 201);
    const seenByB = await ok(api.get(`/api/v1/programmes/${tenderId}`, pb!.token));
    const answersForB = seenByB.phases.flatMap((p: any) => p.steps).find((s: any) => s.key === 'answers');
    expect(answersForB.deliverables.map((d: { title: string }) => d.title)).toEqual(['Offre B']);
    const deadline = Date.parse((await expectReadModelInSync(h, tenderId)).steps.find((s) => s.key === 'answers')!.dueAt!);
    await new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now() + 300)));
    const late = await api.post(`/api/v1/programmes/${tenderId}/steps/answers/deliverables`, { title: 'Offre C', url: 'https://c.example/offre.pdf' }, pc!.token);
    expect({ status: late.status, code: late.body.code }).toEqual({ status: 409, code: 'bid_after_deadline' });
    await ok(api.post(`/api/v1/programmes/${tenderId}/steps/answers/complete`, { note: 'Réception close' }, coordinator.token));
    const badScores = await api.post(`/api/v1/programmes/${tenderId}/steps/assessment/complete`, { data: { scores: { [providers[0]!]: { price: 15, technical: 14 } } } }, coordinator.token);
    expect({ status: badScores.status, code: badScores.body.code }).toEqual({ status: 422, code: 'invalid_assessment' });
    await ok(api.post(`/api/v1/programmes/${tenderId}/steps/assessment/complete`, { data: { scores: { [providers[0]!]: { price: 12, technical: 17 }, [providers[1]!]: { price: 16, technical: 11 } } } }, coordinator.token));
    const tenderState = await expectReadModelInSync(h, tenderId);
    expect((tenderState.moduleState.tender as { ranking: { organisationId: string; score: number }[] }).ranking).toEqual([
      { organisationId: providers[0], score: 15 },
      { organisationId: providers[1], score: 13 },
    ]);

    // Before the award, the Évaluation gate cannot pass (even if every earlier phase were done).
    await ok(api.post(`/api/v1/programmes/${tenderId}/steps/award/complete`, { data: { winner: providers[0] } }, coordinator.token));
    const awarded = await expectReadModelInSync(h, tenderId);
    expect(awarded.milestones.map((m) => m.key)).toEqual(expect.arrayContaining(['consultation-sent', 'assessed', 'awarded']));
    // The parent hears of it: the child's milestone and the evaluator slot filled by the winner.
    const parent = await waitFor('the award to reach DEFI', async () => {
      const s = await waitForReadModelInSync(h, defi.id);
      return s.slots.evaluator === providers[0] && s;
    });
    expect(parent.children.find((c) => c.childKey === 'tender-evaluation')!.milestones).toContain('awarded');
    expect(parent.steps.find((s) => s.key === 'evaluation-final-report')!.assignee).toMatchObject({ kind: 'organisation', organisationId: providers[0] });
    await recordHistory(h, tenderId, 'tender-child-awarded');
    await recordHistory(h, defi.id, 'defi-parent-with-tenders');
  });

  it('DEFI: refuses to approve the Évaluation gate before the earlier phases are done', async () => {
    // The "evaluation tender awarded" condition of that gate is covered by tests/unit/built-in-templates.test.ts.
    const defi = await ok(api.post('/api/v1/programmes', { templateKey: 'defi', title: 'DEFI bis', startDate: '2021-01-04' }, coordinator.token), 201);
    const early = await api.post(`/api/v1/programmes/${defi.id}/phases/evaluation/approve`, {}, coordinator.token);
    expect({ status: early.status, code: early.body.code }).toEqual({ status: 409, code: 'gate_not_pending' });
  });

  it('TI action 23: sectors open on demand as sub-programmes; a sector step cannot pass its predecessor', async () => {
    const ti = await ok(api.post('/api/v1/programmes', { templateKey: 'ti-action-23', title: 'TI action 23 — Évolution des métiers', startDate: '2021-01-04' }, coordinator.token), 201);
    expect(ti.children).toEqual([]);
    const chu = await ok(api.post(`/api/v1/programmes/${ti.id}/children`, { childKey: 'sector', title: 'Restauration hospitalière (CHU)' }, coordinator.token), 201);
    const farming = await ok(api.post(`/api/v1/programmes/${ti.id}/children`, { childKey: 'sector', title: 'Agriculture' }, coordinator.token), 201);
    expect([chu.id, farming.id]).toEqual([`${ti.id}.sector-1`, `${ti.id}.sector-2`]);
    const sector = await ok(api.get(`/api/v1/programmes/${chu.id}`, coordinator.token));
    expect(sector).toMatchObject({ templateKey: 'ti-sector', parentId: ti.id });
    expect(sector.phases.map((p: { key: string }) => p.key)).toEqual(['diagnostic', 'analysis', 'experimentation', 'adaptation']);

    const early = await api.post(`/api/v1/programmes/${chu.id}/steps/problem-statement/complete`, {}, coordinator.token);
    expect({ status: early.status, code: early.body.code }).toEqual({ status: 409, code: 'step_not_active' });
    const noInterviews = await api.post(`/api/v1/programmes/${chu.id}/steps/exploratory-interviews/complete`, {}, coordinator.token);
    expect({ status: noInterviews.status, code: noInterviews.body.code }).toEqual({ status: 422, code: 'indicator_below_target' });
    // The seed: 46 interviews over 31 jobs at the CHU.
    await ok(api.post(`/api/v1/programmes/${chu.id}/indicators/interviews`, { value: 46 }, coordinator.token));
    await ok(api.post(`/api/v1/programmes/${chu.id}/indicators/jobs-covered`, { value: 31 }, coordinator.token));
    await ok(api.post(`/api/v1/programmes/${chu.id}/steps/exploratory-interviews/complete`, {}, coordinator.token));
    const view = await ok(api.get(`/api/v1/programmes/${chu.id}`, coordinator.token));
    expect(view.indicators.filter((i: { key: string }) => ['interviews', 'jobs-covered'].includes(i.key)).map((i: { actual: number }) => i.actual)).toEqual([46, 31]);
    const parent = await waitForReadModelInSync(h, ti.id);
    expect(parent.children.map((c) => c.title)).toEqual(['Restauration hospitalière (CHU)', 'Agriculture']);
    await recordHistory(h, ti.id, 'ti-action-23-parent-with-sectors');
    await recordHistory(h, chu.id, 'ti-sector-indicators');
  });

  it('keeps a running programme on its template version when a new one is published', async () => {
    const key = `versioned-${Date.now()}`;
    const v1 = { key, name: { fr: 'Versionné', en: 'Versioned' }, phases: [{ key: 'p', name: { fr: 'P', en: 'P' }, steps: [{ key: 'first', name: { fr: 'Premier', en: 'First' }, assignee: { kind: 'coordinator' } }] }] };
    expect((await ok(api.post('/api/v1/templates', v1, coordinator.token), 201)).version).toBe(1);
    const running = await ok(api.post('/api/v1/programmes', { templateKey: key, title: 'Sur v1', startDate: '2026-11-28' }, coordinator.token), 201);
    const v2 = { ...v1, phases: [{ ...v1.phases[0], steps: [...v1.phases[0]!.steps, { key: 'second', name: { fr: 'Second', en: 'Second' }, assignee: { kind: 'coordinator' } }] }] };
    expect((await ok(api.post('/api/v1/templates', v2, coordinator.token), 201)).version).toBe(2);
    const invalid = await api.post('/api/v1/templates', { ...v1, phases: [{ ...v1.phases[0], capacity: { max: 0 }, steps: [{ key: 'x', name: { fr: 'X', en: 'X' }, assignee: { kind: 'coordinator' }, dependsOn: ['x'] }] }] }, coordinator.token);
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.length).toBeGreaterThanOrEqual(1);

    const stillV1 = await ok(api.get(`/api/v1/programmes/${running.id}`, coordinator.token));
    expect(stillV1.templateVersion).toBe(1);
    expect(stillV1.phases[0].steps.map((s: { key: string }) => s.key)).toEqual(['first']);
    await ok(api.post(`/api/v1/programmes/${running.id}/steps/first/complete`, {}, coordinator.token));
    expect((await expectReadModelInSync(h, running.id)).status).toBe('completed');
    const fresh = await ok(api.post('/api/v1/programmes', { templateKey: key, title: 'Sur v2', startDate: '2026-11-28' }, coordinator.token), 201);
    expect(fresh.templateVersion).toBe(2);
    expect(fresh.phases[0].steps.map((s: { key: string }) => s.key)).toEqual(['first', 'second']);
  });
});
