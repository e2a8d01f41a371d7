import { apiClient, createUser, startHarness, type Harness } from '../support/harness';

/**
 * End to end over real HTTP, against the real services, as each role would: the admin sets up
 * organisations and people (the partner joins through an invitation link), the coordinator runs
 * DEFI up to the Test phase, the training organisation uploads its deliverable and completes its
 * step, a second organisation is refused in Test, and the manager reads the portfolio.
 */
describe('DEFI end to end, one role after another', () => {
  let h: Harness;
  let api: ReturnType<typeof apiClient>;
  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    api = apiClient(h.apiUrl);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('goes from set-up to a partner’s completion and the manager’s dashboard', async () => {
    const suffix = Date.now();
    const admin = await createUser(h, 'admin');
    const expectStatus = async (p: Promise<{ status: number; body: any }>, status: number) => {
      const res = await p;
      expect({ status: res.status, detail: res.body?.detail }).toEqual({ status, detail: status < 300 ? undefined : expect.any(String) });
      return res.body;
    };

    // Admin: organisations and people.
    const afpa = await expectStatus(api.post('/api/v1/organisations', { name: `AFPA ${suffix}`, kind: 'training-organisation' }, admin.token), 201);
    const greta = await expectStatus(api.post('/api/v1/organisations', { name: `GRETA ${suffix}`, kind: 'training-organisation' }, admin.token), 201);
    await expectStatus(api.post('/api/v1/organisations', { name: `AFPA ${suffix}`, kind: 'training-organisation' }, admin.token), 409);
    const password = 'un-mot-de-passe-solide';
    await expectStatus(api.post('/api/v1/users', { email: `coord-${suffix}@agence.test`, name: 'Chargée de projet', role: 'coordinator', password }, admin.token), 201);
    await expectStatus(api.post('/api/v1/users', { email: `direction-${suffix}@agence.test`, name: 'Direction', role: 'manager', password }, admin.token), 201);
    const invited = await expectStatus(api.post('/api/v1/users', { email: `formatrice-${suffix}@afpa.test`, name: 'Formatrice AFPA', role: 'partner', organisationId: afpa.id }, admin.token), 201);
    expect(invited.invitation.url).toMatch(/\/invitations\/[\w-]{40,}$/);

    // Partner: accepts the invitation (once).
    const invitationToken = invited.invitation.url.split('/').pop();
    const partner = await expectStatus(api.post('/api/v1/auth/invitations/accept', { token: invitationToken, password }), 200);
    await expectStatus(api.post('/api/v1/auth/invitations/accept', { token: invitationToken, password }), 404);
    expect(partner.user).toMatchObject({ role: 'partner', organisationId: afpa.id });

    // Coordinator and manager sign in.
    const coordinator = await expectStatus(api.post('/api/v1/auth/login', { email: `coord-${suffix}@agence.test`, password }), 200);
    const manager = await expectStatus(api.post('/api/v1/auth/login', { email: `direction-${suffix}@agence.test`, password }), 200);
    await expectStatus(api.post('/api/v1/auth/login', { email: `coord-${suffix}@agence.test`, password: 'faux' }), 401);
    const me = await expectStatus(api.get('/api/v1/me', partner.token), 200);
    expect(me.organisation.name).toBe(`AFPA ${suffix}`);

    // Coordinator: DEFI, launch phase, enrolment (a second organisation in Test is refused), gate.
    const defi = await expectStatus(api.post('/api/v1/programmes', { templateKey: 'defi', title: `DEFI ${suffix}`, startDate: '2021-01-04' }, coordinator.token), 201);
    const id = defi.id;
    const c = (path: string, body: unknown = {}) => api.post(`/api/v1/programmes/${id}${path}`, body, coordinator.token);
    await expectStatus(c('/steps/partner-mobilisation/complete', { note: '40 contactés, 14 rencontrés' }), 200);
    await expectStatus(c('/steps/partner-allocation/complete'), 200);
    await expectStatus(c('/steps/framing-intellectual-property/deliverables', { title: 'Cadre PI', url: 'https://example.org/pi.pdf' }), 201);
    await expectStatus(c('/steps/framing-intellectual-property/complete'), 200);
    await expectStatus(c('/steps/framing-communication/deliverables', { title: 'Charte graphique', url: 'https://example.org/charte.pdf' }), 201);
    await expectStatus(c('/steps/framing-communication/complete'), 200);
    await expectStatus(c('/steps/framing-evaluation/complete'), 200);
    await expectStatus(c('/partners', { organisationId: afpa.id, phaseKey: 'test' }), 201);
    const refused = await expectStatus(c('/partners', { organisationId: greta.id, phaseKey: 'test' }), 409);
    expect(refused.code).toBe('phase_full');
    await expectStatus(c('/phases/test/approve'), 200);
    await expectStatus(c('/steps/trainers-training-test/complete', { note: 'Formation des formateurs AFPA' }), 200);
    for (const kind of ['brick-1', 'brick-2', 'brick-3']) await expectStatus(c('/steps/bricks-co-construction-test/deliverables', { title: `Brique ${kind}`, url: `https://example.org/${kind}.pdf`, kind }), 201);
    await expectStatus(c('/steps/bricks-co-construction-test/complete'), 200);

    // Partner: sees its task, uploads its report as a file, completes its part.
    const tasks = await expectStatus(api.get('/api/v1/tasks', partner.token), 200);
    expect(tasks.items.map((t: { stepKey: string }) => t.stepKey)).toContain('bricks-run-test');
    const form = new FormData();
    form.append('title', 'Bilan de mise en œuvre AFPA');
    form.append('file', new Blob([Buffer.from('%PDF-1.7\nBilan AFPA\n%%EOF\n')], { type: 'application/pdf' }), 'bilan-afpa.pdf');
    const uploaded = await fetch(`${h.apiUrl}/api/v1/programmes/${id}/steps/bricks-run-test/deliverables`, { method: 'POST', headers: { Authorization: `Bearer ${partner.token}` }, body: form });
    expect(uploaded.status).toBe(201);
    const done = await expectStatus(api.post(`/api/v1/programmes/${id}/steps/bricks-run-test/complete`, { note: 'Briques utilisées en formation' }, partner.token), 200);
    expect(done.status).toBe('completed');
    const partnerView = await expectStatus(api.get(`/api/v1/programmes/${id}`, partner.token), 200);
    expect(partnerView.phases.flatMap((p: any) => p.steps.map((s: any) => s.key))).toEqual(['bricks-run-test']);

    // Manager: reads the portfolio, changes nothing.
    const dashboard = await expectStatus(api.get('/api/v1/dashboard?templateKey=defi', manager.token), 200);
    const row = dashboard.health.find((p: { programmeId: string }) => p.programmeId === id);
    expect(row).toMatchObject({ title: `DEFI ${suffix}`, rag: expect.stringMatching(/^(red|amber|green)$/), rule: expect.any(String) });
    await expectStatus(api.post(`/api/v1/programmes/${id}/steps/test-review/complete`, {}, manager.token), 403);

    // Coordinator: the audit trail says who did what.
    const events = await expectStatus(api.get(`/api/v1/programmes/${id}/events?limit=200`, coordinator.token), 200);
    const partCompleted = events.items.find((e: any) => e.type === 'step.part_completed');
    expect(partCompleted).toMatchObject({ actorId: partner.user.id, data: { stepKey: 'bricks-run-test', organisationId: afpa.id } });
  });
});
