import { parisDateToInstant } from '../../domain/calendar';
import { describeProblem } from '../../web/src/lib/problem-text';
import { apiClient, createOrganisation, createUser, startHarness, type Harness, type TestUser } from '../support/harness';
import { webI18n } from '../support/web-i18n';

/**
 * The three English lines of issue 17, on the real services: each refusal now carries a code,
 * a reason and its values, and the web UI's own function and catalogue say it in French, with
 * Paris dates — never the server's English detail.
 */
describe('refusals said in French from their codes and params (issue 17)', () => {
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

  const say = async (res: { status: number; body: any }, lng: 'fr' | 'en' = 'fr') =>
    describeProblem({ status: res.status, code: res.body.code, params: res.body.params, errors: res.body.errors }, await webI18n(lng));

  it('"Phase "test" is full: 1 organisation(s) at most." → the phase’s French name and its capacity', async () => {
    const defi = (await api.post('/api/v1/programmes', { templateKey: 'defi', title: 'DEFI — mots des refus', startDate: '2026-11-02' }, coordinator.token)).body;
    const [first, second] = await Promise.all([createOrganisation(h), createOrganisation(h)]);
    expect((await api.post(`/api/v1/programmes/${defi.id}/partners`, { organisationId: first, phaseKey: 'test' }, coordinator.token)).status).toBe(201);
    const full = await api.post(`/api/v1/programmes/${defi.id}/partners`, { organisationId: second, phaseKey: 'test' }, coordinator.token);
    expect({ status: full.status, code: full.body.code, params: full.body.params }).toEqual({
      status: 409,
      code: 'phase_full',
      params: { reason: 'phase_full_capacity', phase: { fr: 'Phase Test', en: 'Test phase' }, maximum: 1 },
    });
    expect(full.body.detail).toBe('Phase "test" is full: 1 organisation(s) at most.');
    const words = await say(full);
    expect(words).toEqual({ sentence: 'La phase « Phase Test » est complète : 1 organisation(s) au plus.', fields: [] });
    expect(JSON.stringify(words)).not.toContain('test"');
    expect((await say(full, 'en')).sentence).toBe('Phase “Test phase” is full: 1 organisation(s) at most.');
  });

  it('"Invalid body: body.slot: unknown key" → a code per field problem, said without the key', async () => {
    const res = await api.post('/api/v1/programmes', { templateKey: 'tender', title: 'x'.repeat(301), startDate: '2026-11-30', slot: 'winner' }, coordinator.token);
    expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'validation_failed' });
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        { path: 'body', message: expect.any(String), code: 'unknown_field', params: { keys: 'slot' } },
        { path: 'body.title', message: expect.any(String), code: 'too_long', params: { maximum: 300 } },
      ]),
    );
    const words = await say(res);
    expect(words.sentence).toBe('Certaines valeurs sont invalides.');
    expect(words.fields).toEqual(expect.arrayContaining(['La demande contient des champs non prévus (Rôle) : rechargez la page et recommencez.', 'Titre : Au plus 300 caractères.']));
    expect(JSON.stringify(words)).not.toMatch(/slot|body|Invalid|unknown key/);
  });

  it('"Answers were due by 2026-11-30T17:00:00.000Z" → the deadline as an ISO param, said in Paris time', async () => {
    // 30 November 2026 is a Monday: the answers close at 18:00 Paris (17:00 UTC), a date already past.
    const deadline = '2026-11-30';
    const dueAt = parisDateToInstant(deadline, '18:00').toISOString();
    expect(dueAt).toBe('2026-11-30T17:00:00.000Z');
    expect(Date.now()).toBeGreaterThan(Date.parse(dueAt));
    const tender = (await api.post('/api/v1/programmes', { templateKey: 'tender', title: 'Consultation — mots des refus', startDate: '2026-11-02', params: { dates: { 'answers-deadline': deadline } } }, coordinator.token)).body;
    expect(tender.labels.dateParams['answers-deadline']).toEqual({ fr: 'Date limite de réponse des prestataires', en: 'Deadline for the providers’ answers' });
    const providers = await Promise.all([0, 1, 2].map(() => createOrganisation(h, undefined, 'contractor')));
    const bidder = await createUser(h, 'partner', providers[0]);
    expect((await api.post(`/api/v1/programmes/${tender.id}/steps/write-specification/deliverables`, { title: 'Cahier des charges', url: 'https://example.org/cdc.pdf' }, coordinator.token)).status).toBe(201);
    expect((await api.post(`/api/v1/programmes/${tender.id}/steps/write-specification/complete`, {}, coordinator.token)).status).toBe(200);
    for (const p of providers) expect((await api.post(`/api/v1/programmes/${tender.id}/partners`, { organisationId: p, phaseKey: 'consultation' }, coordinator.token)).status).toBe(201);
    expect((await api.post(`/api/v1/programmes/${tender.id}/steps/send/complete`, {}, coordinator.token)).status).toBe(200);

    const late = await api.post(`/api/v1/programmes/${tender.id}/steps/answers/deliverables`, { title: 'Offre tardive', url: 'https://a.example/offre.pdf' }, bidder.token);
    expect({ status: late.status, code: late.body.code, params: late.body.params }).toEqual({ status: 409, code: 'bid_after_deadline', params: { reason: 'answers_due', dueAt } });
    expect(late.body.detail).toContain('Answers were due by 2026-11-30T17:00:00.000Z');
    expect(await say(late)).toEqual({ sentence: 'Les réponses étaient attendues au plus tard le 30 novembre 2026, 18 h 00 : une réponse tardive est refusée.', fields: [] });
    expect((await say(late, 'en')).sentence).toBe('Answers were due by 30 November 2026, 18:00: a late answer is refused.');

    // A deadline moved into the past is refused with the same kind of param.
    const past = await api.patch(`/api/v1/programmes/${tender.id}/steps/answers`, { dueAt: '2026-11-30T17:00:00.000Z', reason: 'Correction' }, coordinator.token);
    expect({ status: past.status, code: past.body.code, params: past.body.params }).toEqual({ status: 422, code: 'due_date_in_past', params: { reason: 'due_date_past', dueAt: '2026-11-30T17:00:00.000Z' } });
    expect((await say(past)).sentence).toBe('La nouvelle échéance (30 novembre 2026, 18 h 00) est déjà passée : choisissez une date à venir.');
  });
});
