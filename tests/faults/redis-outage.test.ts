import fs from 'node:fs';
import path from 'node:path';
import { startRedisServer, type RedisServer } from '../../infra/redis-server';
import { apiClient, createOrganisation, createUser, publishTemplates, startHarness, waitFor, type Harness } from '../support/harness';
import { expectReadModelInSync } from '../support/read-model';
import { reminderTestTemplate } from '../support/test-templates';

/**
 * Redis stops with programmes in flight: the API keeps serving reads and partners' actions,
 * answers 503 only where Redis is indispensable (signing in), and every notification queued
 * around the outage is delivered once Redis is back (AOF keeps the queue).
 */
describe('fault drill: Redis stops for a while', () => {
  const OUTAGE_MS = 30_000;
  const dir = path.join(process.env.DATA_DIR!, `redis-drill-${Date.now()}`);
  let redis: RedisServer;
  let port: number;
  let h: Harness;

  beforeAll(async () => {
    redis = await startRedisServer({ dataDir: dir, persistent: true });
    port = Number(new URL(redis.url).port);
    h = await startHarness({ endpoints: { REDIS_URL: redis.url } });
  });
  afterAll(async () => {
    // Closing queues needs a Redis to talk to, even when the drill failed half-way.
    if (redis && redis.child.exitCode !== null) redis = await startRedisServer({ dataDir: dir, persistent: true, preferredPort: port });
    await h?.stop();
    await redis?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves reads and actions through the outage, refuses sign-in with 503, delivers everything afterwards', async () => {
    const api = apiClient(h.apiUrl);
    const key = `redis-drill-${Date.now()}`;
    await publishTemplates(h.prisma, [reminderTestTemplate(key, 8)]);
    const org = await createOrganisation(h);
    const coordinator = await createUser(h, 'coordinator');
    const partner = await createUser(h, 'partner', org);
    const started = await api.post('/api/v1/programmes', { templateKey: key, title: 'Panne Redis', startDate: '2026-11-28', params: { slots: { partner: org } } }, coordinator.token);
    expect(started.status).toBe(201);
    const id = started.body.id;
    // Sessions are used once while Redis is up, as a partner at work would.
    expect((await api.get(`/api/v1/programmes/${id}`, partner.token)).status).toBe(200);

    await redis.stop();
    const outageStarted = Date.now();
    const health = await api.get('/healthz');
    expect(health.status).toBe(503);
    expect(health.body.dependencies).toMatchObject({ redis: 'down', database: 'up', temporal: 'up' });
    const login = await api.post('/api/v1/auth/login', { email: partner.email, password: partner.password });
    expect({ status: login.status, code: login.body.code }).toEqual({ status: 503, code: 'dependency_unavailable' });
    expect(login.headers.get('retry-after')).toBeTruthy();
    expect((await api.get(`/api/v1/programmes/${id}`, partner.token)).status).toBe(200);
    expect((await api.get('/api/v1/programmes?limit=5', coordinator.token)).status).toBe(200);
    // Reminders fall due during the outage; the coordinator extends nothing, the partner keeps working.
    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - outageStarted))));
    const completed = await api.post(`/api/v1/programmes/${id}/steps/deliver/complete`, { note: 'pendant la panne' }, partner.token);
    if (completed.status !== 200) {
      const hist = await h.client.workflow.getHandle(id).fetchHistory();
      console.log((hist.events ?? []).map((e) => `${e.eventId} ${e.eventType} ${JSON.stringify(e.activityTaskScheduledEventAttributes?.activityType?.name ?? e.activityTaskFailedEventAttributes?.failure?.message ?? e.workflowTaskFailedEventAttributes?.failure?.message ?? '')}`).join('\n'));
    }
    expect({ status: completed.status, detail: completed.body.detail }).toEqual({ status: 200, detail: undefined });
    expect(completed.body.status).toBe('completed');

    redis = await startRedisServer({ dataDir: dir, persistent: true, preferredPort: port });
    expect(new URL(redis.url).port).toBe(String(port));
    // Every notification recorded for the programme is settled once Redis is back: sent, or (a reminder
    // for the step the partner completed during the outage) dropped at send time with its reason,
    // never sent late (the re-check of issue 16).
    const rows = await waitFor('all notifications settled after the outage', async () => {
      const r = await h.prisma.notification.findMany({ where: { programmeId: id } });
      return r.length >= 3 && r.every((n) => n.status === 'sent' || (n.status === 'skipped' && n.error?.startsWith('reminder_dropped:'))) && r;
    }, 60_000);
    expect(rows.map((r) => r.kind)).toEqual(expect.arrayContaining(['assignment', 'reminder_before_due', 'due_today']));
    expect(rows.find((r) => r.kind === 'assignment')?.status).toBe('sent');
    for (const dropped of rows.filter((r) => r.status === 'skipped')) expect(dropped.kind).not.toBe('assignment');
    expect((await api.get('/healthz')).status).toBe(200);
    await expectReadModelInSync(h, id);
  });
});
