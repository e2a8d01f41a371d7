import { apiClient, createOrganisation, createUser, startHarness, type Harness, type TestUser } from '../support/harness';
import { recordHistory } from '../support/histories';
import { expectReadModelInSync } from '../support/read-model';

/**
 * Periodic indicators (issue 19) on the real services: the built-in reception-points programme,
 * its operator entering monthly counts per site through the API, a correction that keeps the
 * earlier entry, refusals in the API's error format that apply nothing, and who entered what.
 */
describe('periodic indicators: monthly counts per reception point', () => {
  let h: Harness;
  let api: ReturnType<typeof apiClient>;
  let coordinator: TestUser;
  let operator: TestUser;
  let colleague: TestUser;
  let outsider: TestUser;
  let programmeId: string;
  beforeAll(async () => {
    h = await startHarness();
    api = apiClient(h.apiUrl);
    coordinator = await createUser(h, 'coordinator');
    const apsalc = await createOrganisation(h, `APSALC ${Date.now()}`, 'company');
    operator = await createUser(h, 'partner', apsalc);
    colleague = await createUser(h, 'partner', apsalc);
    const other = await createOrganisation(h, `Mission Locale ${Date.now()}`, 'company');
    outsider = await createUser(h, 'partner', other);
    const started = await api.post('/api/v1/programmes', { templateKey: 'reception-points', title: 'Points Relais dijonnais 2026', startDate: '2026-01-05' }, coordinator.token);
    expect(started.status).toBe(201);
    programmeId = started.body.id;
    expect((await api.post(`/api/v1/programmes/${programmeId}/partners`, { organisationId: apsalc, phaseKey: 'set-up', slot: 'reception-operator' }, coordinator.token)).status).toBe(201);
    expect((await api.post(`/api/v1/programmes/${programmeId}/partners`, { organisationId: other, phaseKey: 'welcoming-public' }, coordinator.token)).status).toBe(201);
  });
  afterAll(async () => {
    await h?.stop();
  });

  const enter = (user: TestUser, key: string, body: Record<string, unknown>) => api.post(`/api/v1/programmes/${programmeId}/indicators/${key}`, body, user.token);
  const indicator = async (user: TestUser, key: string) => ((await api.get(`/api/v1/programmes/${programmeId}`, user.token)).body.indicators as { key: string }[]).find((i) => i.key === key) as unknown as Record<string, unknown> & { cells: Record<string, unknown>[] };

  it('keeps each month’s count per site, the running total and the targets', async () => {
    const gresilles = { site: 'gresilles' };
    for (const [period, value] of [['2026-03', 312], ['2026-04', 283], ['2026-05', 297]] as const) {
      const answer = await enter(operator, 'in-person-interviews', { value, period, dimensions: gresilles });
      expect(answer.status).toBe(200);
    }
    expect((await enter(coordinator, 'in-person-interviews', { value: 367, period: '2026-03', dimensions: { site: 'fontaine-d-ouche' } })).status).toBe(200);
    await expectReadModelInSync(h, programmeId);
    const visits = await indicator(coordinator, 'in-person-interviews');
    expect(visits).toMatchObject({
      name: 'Entretiens physiques', period: 'month', targetPerPeriod: 680, target: null, actual: 312 + 283 + 297 + 367,
      recordedBy: { fr: 'Structure d’accueil des Points Relais' },
      dimensions: [{ key: 'site', name: { fr: 'Point Relais' }, values: [{ key: 'gresilles', name: { fr: 'Grésilles' } }, { key: 'fontaine-d-ouche', name: { fr: 'Fontaine d’Ouche' } }] }],
    });
    expect(visits.cells.map((c) => [c.period, c.dimensions, c.value, c.recordedByName])).toEqual([
      ['2026-03', gresilles, 312, operator.name],
      ['2026-04', gresilles, 283, operator.name],
      ['2026-05', gresilles, 297, operator.name],
      ['2026-03', { site: 'fontaine-d-ouche' }, 367, coordinator.name],
    ]);
  });

  it('corrects a month by entering it again, keeping the earlier entry, who made it and when', async () => {
    const answer = await enter(colleague, 'in-person-interviews', { value: 320, period: '2026-04', dimensions: { site: 'gresilles' } });
    expect(answer.status).toBe(200);
    const april = (await indicator(operator, 'in-person-interviews')).cells.find((c) => c.period === '2026-04')!;
    expect(april).toMatchObject({ value: 320, recordedByName: colleague.name, corrections: [{ value: 283, recordedByName: operator.name }] });
    expect(Date.parse(april.recordedAt as string)).toBeGreaterThan(Date.parse((april.corrections as { recordedAt: string }[])[0]!.recordedAt));
    const journal = (await api.get(`/api/v1/programmes/${programmeId}/events?limit=200`, coordinator.token)).body.items as { type: string; data: Record<string, unknown> }[];
    expect(journal.filter((e) => e.type === 'indicator.recorded').at(-1)!.data).toMatchObject({ key: 'in-person-interviews', period: '2026-04', value: 320, corrected: 283 });
  });

  it('refuses, applying nothing, an entry that does not fit, each with its reason', async () => {
    const before = await expectReadModelInSync(h, programmeId);
    const site = { site: 'gresilles' };
    const cases: [TestUser, Record<string, unknown>, number, string, string | undefined][] = [
      [operator, { value: 10, dimensions: site }, 422, 'invalid_indicator_entry', 'indicator_period_required'],
      [operator, { value: 10, period: '2026-Q2', dimensions: site }, 422, 'invalid_indicator_entry', 'indicator_period_format'],
      [operator, { value: 10, period: '2099-01', dimensions: site }, 422, 'invalid_indicator_entry', 'indicator_period_future'],
      [operator, { value: 10, period: '2026-05' }, 422, 'invalid_indicator_entry', 'indicator_dimensions_mismatch'],
      [operator, { value: 10, period: '2026-05', dimensions: { site: 'chenove' } }, 422, 'invalid_indicator_entry', 'indicator_dimensions_mismatch'],
      [outsider, { value: 10, period: '2026-05', dimensions: site }, 403, 'not_allowed', 'indicator_recorded_by_role'],
      [operator, { value: 10, period: '2026-13', dimensions: site }, 400, 'validation_failed', undefined],
      [operator, { value: -1, period: '2026-05', dimensions: site }, 400, 'validation_failed', undefined],
    ];
    for (const [user, body, status, code, reason] of cases) {
      const answer = await enter(user, 'in-person-interviews', body);
      expect({ body, status: answer.status, code: answer.body.code, reason: answer.body.params?.reason }).toEqual({ body, status, code, reason });
    }
    expect((await expectReadModelInSync(h, programmeId)).version).toBe(before.version);
  });

  it('reports each month’s count per site against the target and the same month a year earlier', async () => {
    // A figure of the year before, entered late by the coordinator, is what this year is compared with.
    expect((await enter(coordinator, 'in-person-interviews', { value: 250, period: '2025-04', dimensions: { site: 'gresilles' } })).status).toBe(200);
    const report = await api.get(`/api/v1/programmes/${programmeId}/report?from=2026-03-01&to=2026-05-31`, coordinator.token);
    expect(report.status).toBe(200);
    const visits = (report.body.indicators as { key: string; periods: unknown[] }[]).find((i) => i.key === 'in-person-interviews')!;
    expect(visits.periods).toEqual([
      { period: '2026-03', label: 'mars 2026', value: 679, target: 680, previousYear: null, byDimension: [{ name: 'Grésilles', value: 312 }, { name: 'Fontaine d’Ouche', value: 367 }] },
      { period: '2026-04', label: 'avril 2026', value: 320, target: 680, previousYear: 250, byDimension: [{ name: 'Grésilles', value: 320 }, { name: 'Fontaine d’Ouche', value: 0 }] },
      { period: '2026-05', label: 'mai 2026', value: 297, target: 680, previousYear: null, byDimension: [{ name: 'Grésilles', value: 297 }, { name: 'Fontaine d’Ouche', value: 0 }] },
    ]);
    const plain = await api.get(`/api/v1/programmes/${programmeId}/report.xlsx?from=2026-03-01&to=2026-05-31`, coordinator.token);
    expect(plain.status).toBe(200);
  });

  it('names another partner’s people to the agency, not to a partner', async () => {
    const seenByOutsider = await indicator(outsider, 'in-person-interviews');
    expect(seenByOutsider.cells.map((c) => c.recordedByName)).toEqual([null, null, null, coordinator.name, coordinator.name]);
    const seenByOperator = await indicator(operator, 'in-person-interviews');
    expect(seenByOperator.cells.map((c) => c.recordedByName)).toEqual([operator.name, colleague.name, operator.name, coordinator.name, coordinator.name]);
    await api.post(`/api/v1/programmes/${programmeId}/cancel`, { reason: 'Fin du test' }, coordinator.token);
    await recordHistory(h, programmeId, 'periodic-indicator-reception-points');
  });
});
