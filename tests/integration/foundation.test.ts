import fs from 'node:fs';
import path from 'node:path';
import { apiClient, createOrganisation, createUser, publishTemplates, startHarness, waitFor, type Harness } from '../support/harness';
import { reminderTestTemplate } from '../support/test-templates';

/**
 * The whole chain on real services: API → Temporal workflow → activity writes PostgreSQL
 * through Prisma and enqueues a BullMQ job → notification worker sends it over SMTP →
 * the API reads the result back.
 */
describe('foundation: the chain on real services', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('reports every dependency up on /healthz', async () => {
    const res = await apiClient(h.apiUrl).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', dependencies: { temporal: 'up', database: 'up', redis: 'up' } });
  });

  it('starts a programme through the API and delivers its first notification by e-mail', async () => {
    const api = apiClient(h.apiUrl);
    await publishTemplates(h.prisma, [reminderTestTemplate('chain-test', 3600)]);
    const org = await createOrganisation(h);
    const coordinator = await createUser(h, 'coordinator');
    const partner = await createUser(h, 'partner', org);

    const started = await api.post('/api/v1/programmes', { templateKey: 'chain-test', title: 'Chaîne complète', startDate: '2026-11-28', params: { slots: { partner: org } } }, coordinator.token);
    expect(started.status).toBe(201);
    const id = started.body.id as string;
    expect(started.body.phases[0].steps[0]).toMatchObject({ key: 'deliver', status: 'active', assignee: { kind: 'organisation', organisationId: org } });

    // Read-your-writes: the projection was committed before the 201.
    const row = await h.prisma.programme.findUnique({ where: { id } });
    expect(row).toMatchObject({ id, status: 'active', templateKey: 'chain-test' });
    const read = await api.get(`/api/v1/programmes/${id}`, partner.token);
    expect(read.status).toBe(200);
    expect(read.body.phases[0].steps[0].key).toBe('deliver');

    // The assignment notification goes through BullMQ to the notifier and out by SMTP.
    const sent = await waitFor('the assignment e-mail', async () => {
      const res = await api.get(`/api/v1/programmes/${id}/notifications`, coordinator.token);
      const item = res.body.items?.find((n: { kind: string; status: string }) => n.kind === 'assignment' && n.status === 'sent');
      return item;
    });
    expect(sent).toMatchObject({ recipient: partner.email, status: 'sent', attempts: 1 });
    const index = fs.readFileSync(path.join(process.env.MAIL_DIR!, 'index.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const mail = index.find((m: { to: string[] }) => m.to.includes(partner.email));
    expect(mail.subject).toContain('Chaîne complète');
  });
});
