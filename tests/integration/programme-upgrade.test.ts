import { defiTemplate } from '../../templates/defi';
import type { TemplateInput } from '../../domain/template-schema';
import { apiClient, createOrganisation, createUser, startHarness, waitFor, type Harness, type TestUser } from '../support/harness';
import { recordHistory } from '../support/histories';

type StepView = { key: string; name: string; status: string; dueAt: string | null };
const stepsOf = (view: { phases?: { steps: StepView[] }[] }) => (view.phases ?? []).flatMap((p) => p.steps);
const stepOf = (t: TemplateInput, key: string) => t.phases.flatMap((p) => p.steps).find((s) => s.key === key)!;

/**
 * Issue 19, "a corrected DEFI version is applied to a running DEFI programme after a dry run, and a
 * refused upgrade says why": DEFI as built in, published under a key of its own (other tests start
 * the built-in DEFI), then corrected versions of it.
 */
describe('upgrading a running DEFI to a corrected version', () => {
  let h: Harness;
  let coordinator: TestUser;
  let otherCoordinator: TestUser;
  let partner: TestUser;
  const key = `defi-maj-${Date.now()}`;
  const defi = (): Omit<TemplateInput, 'version'> => {
    const { version: _version, ...rest } = structuredClone(defiTemplate);
    return { ...rest, key };
  };
  const api = () => apiClient(h.apiUrl);

  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    coordinator = await createUser(h, 'coordinator');
    otherCoordinator = await createUser(h, 'coordinator');
    partner = await createUser(h, 'partner', await createOrganisation(h));
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('dry-runs, applies once, journals who did it; then refuses an unsafe version with its reason and applies nothing', async () => {
    expect((await api().post('/api/v1/templates', defi(), coordinator.token)).status).toBe(201);
    // Monday 2 November 2026; partner mobilisation is due 180 days later: Saturday 1 May 2027 (a holiday) → Monday 3 May, 18:00 Paris.
    const started = await api().post('/api/v1/programmes', { templateKey: key, title: 'DEFI à mettre à niveau', startDate: '2026-11-02' }, coordinator.token);
    expect(started.status).toBe(201);
    const id: string = started.body.id;
    await waitFor('the mobilisation due date', async () => stepsOf((await api().get(`/api/v1/programmes/${id}`, coordinator.token)).body).find((s) => s.key === 'partner-mobilisation' && s.dueAt));
    const [orgA, orgB] = [await createOrganisation(h), await createOrganisation(h)];
    for (const org of [orgA, orgB]) expect((await api().post(`/api/v1/programmes/${id}/partners`, { organisationId: org, phaseKey: 'experimentation' }, coordinator.token)).status).toBe(201);

    // The corrected version: a step renamed, a due date brought forward (150 days: Thursday 1 April 2027).
    const corrected = defi();
    stepOf(corrected as TemplateInput, 'framing-evaluation').name = { fr: 'Cadrage de l’évaluation continue et de ses indicateurs', en: 'Continuous evaluation and indicators framing' };
    stepOf(corrected as TemplateInput, 'partner-mobilisation').due = { from: 'programmeStart', offset: { amount: 150, unit: 'calendarDays' } };
    const v2 = await api().post('/api/v1/templates', corrected, coordinator.token);
    expect({ status: v2.status, version: v2.body.version }).toEqual({ status: 201, version: 2 });

    // Dry run, for every running programme of the template and for this one: the same plan, nothing changed.
    const plans = await api().get(`/api/v1/templates/${key}/upgrade-plans?version=2`, coordinator.token);
    expect(plans.status).toBe(200);
    expect(plans.body.items.map((i: { id: string }) => i.id)).toEqual([id]);
    const plan = plans.body.items[0].plan;
    expect(plan).toMatchObject({ fromVersion: 1, toVersion: 2, added: [], removed: [], refusals: [] });
    expect(plan.renamed).toEqual([{ stepKey: 'framing-evaluation', before: { fr: 'Cadrage de l’évaluation continue', en: 'Continuous evaluation framing' }, after: { fr: 'Cadrage de l’évaluation continue et de ses indicateurs', en: 'Continuous evaluation and indicators framing' } }]);
    expect(plan.dueDates).toEqual([{ stepKey: 'partner-mobilisation', step: { fr: 'Mobilisation des partenaires', en: 'Partner mobilisation' }, status: 'active', recompute: true, before: '2027-05-03T16:00:00.000Z', after: '2027-04-01T16:00:00.000Z' }]);
    expect(plan.capacity).toContainEqual({ phaseKey: 'experimentation', phase: { fr: 'Phase Expérimentation', en: 'Experimentation phase' }, enrolled: 2, before: 5, after: 5 });
    const one = await api().get(`/api/v1/programmes/${id}/upgrade-plan?version=2`, coordinator.token);
    expect({ status: one.status, plan: one.body.plan }).toEqual({ status: 200, plan });
    expect((await api().get(`/api/v1/programmes/${id}`, coordinator.token)).body.templateVersion).toBe(1);

    // Only the programme's team upgrades it; a partner never.
    expect((await api().post(`/api/v1/programmes/${id}/upgrade`, { version: 2 }, partner.token)).status).toBe(403);
    expect((await api().post(`/api/v1/programmes/${id}/upgrade`, { version: 2 }, otherCoordinator.token)).body.code).toBe('not_programme_member');
    expect((await api().get(`/api/v1/templates/${key}/upgrade-plans?version=2`, otherCoordinator.token)).body.items).toEqual([]);

    // Apply, with an Idempotency-Key: a retry is answered again, not applied twice.
    const headers = { 'Idempotency-Key': `upgrade-${id}` };
    const applied = await api().post(`/api/v1/programmes/${id}/upgrade`, { version: 2 }, coordinator.token, headers);
    expect(applied.status).toBe(200);
    expect(applied.body.templateVersion).toBe(2);
    expect(stepsOf(applied.body).find((s) => s.key === 'framing-evaluation')?.name).toBe('Cadrage de l’évaluation continue et de ses indicateurs');
    expect(stepsOf(applied.body).find((s) => s.key === 'partner-mobilisation')?.dueAt).toBe('2027-04-01T16:00:00.000Z');
    const again = await api().post(`/api/v1/programmes/${id}/upgrade`, { version: 2 }, coordinator.token, headers);
    expect({ status: again.status, replayed: again.headers.get('idempotent-replayed'), version: again.body.templateVersion }).toEqual({ status: 200, replayed: 'true', version: 2 });
    // A new request for the same version is refused: already there.
    const twice = await api().post(`/api/v1/programmes/${id}/upgrade`, { version: 2 }, coordinator.token);
    expect({ status: twice.status, code: twice.body.code, reason: twice.body.params?.reason }).toEqual({ status: 409, code: 'upgrade_refused', reason: 'upgrade_version_not_newer' });

    const journal = async () => (await api().get(`/api/v1/programmes/${id}/events?order=desc&limit=200`, coordinator.token)).body.items.filter((e: { type: string }) => e.type === 'programme.upgraded');
    const upgraded = await waitFor('the upgrade in the journal', async () => {
      const found = await journal();
      return found.length ? found : undefined;
    });
    expect(upgraded).toHaveLength(1);
    expect(upgraded[0]).toMatchObject({ actorId: coordinator.id, actorName: expect.any(String), data: { fromVersion: 1, toVersion: 2, renamed: ['framing-evaluation'], dueChanged: ['partner-mobilisation'] } });
    // The read model follows: the programme's row and its step rows.
    const row = await h.prisma.programme.findUnique({ where: { id }, select: { templateVersion: true } });
    expect(row?.templateVersion).toBe(2);
    const stepRow = await h.prisma.step.findFirst({ where: { programmeId: id, key: 'framing-evaluation' }, select: { name: true } });
    expect(stepRow?.name).toBe('Cadrage de l’évaluation continue et de ses indicateurs');

    // An unsafe version: a step already done removed, and a capacity below the two organisations enrolled.
    expect((await api().post(`/api/v1/programmes/${id}/steps/partner-mobilisation/complete`, {}, coordinator.token)).status).toBe(200);
    const unsafe = structuredClone(corrected) as TemplateInput;
    const launch = unsafe.phases.find((p) => p.key === 'launch')!;
    launch.steps = launch.steps.filter((s) => s.key !== 'partner-mobilisation');
    stepOf(unsafe, 'partner-allocation').dependsOn = [];
    stepOf(unsafe, 'partner-allocation').due = { from: 'programmeStart', offset: { amount: 180, unit: 'calendarDays' } };
    unsafe.phases.find((p) => p.key === 'experimentation')!.capacity = { min: 1, max: 1 };
    expect((await api().post('/api/v1/templates', unsafe, coordinator.token)).body.version).toBe(3);
    const refusedPlan = (await api().get(`/api/v1/programmes/${id}/upgrade-plan?version=3`, coordinator.token)).body.plan;
    expect(refusedPlan.refusals).toEqual([
      { code: 'upgrade_refused', params: { reason: 'upgrade_step_done_removed', step: { fr: 'Mobilisation des partenaires', en: 'Partner mobilisation' } } },
      { code: 'upgrade_refused', params: { reason: 'upgrade_capacity_below_enrolments', phase: { fr: 'Phase Expérimentation', en: 'Experimentation phase' }, enrolled: 2, maximum: 1 } },
    ]);
    const before = (await api().get(`/api/v1/programmes/${id}`, coordinator.token)).body;
    const refused = await api().post(`/api/v1/programmes/${id}/upgrade`, { version: 3 }, coordinator.token);
    expect({ status: refused.status, code: refused.body.code, params: refused.body.params }).toEqual({
      status: 409,
      code: 'upgrade_refused',
      params: { reason: 'upgrade_step_done_removed', step: { fr: 'Mobilisation des partenaires', en: 'Partner mobilisation' } },
    });
    const after = (await api().get(`/api/v1/programmes/${id}`, coordinator.token)).body;
    expect({ version: after.templateVersion, steps: stepsOf(after) }).toEqual({ version: 2, steps: stepsOf(before) });
    expect(await journal()).toHaveLength(1);
    // Guards the upgradeProgramme Update in the replay test.
    await recordHistory(h, id, 'defi-upgraded');
  });
});
