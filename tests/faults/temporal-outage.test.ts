import fs from 'node:fs';
import path from 'node:path';
import { startTemporalDevServer, type TemporalDevServer } from '../../infra/temporal-dev-server';
import { apiClient, createOrganisation, createUser, publishTemplates, startHarness, type Harness } from '../support/harness';
import { expectReadModelInSync } from '../support/read-model';
import { engineTestTemplate } from '../support/test-templates';

/**
 * The Temporal server stops with a programme in flight: writes get 503 with a retry hint and
 * change nothing, reads keep coming from PostgreSQL, and after the restart the programme
 * resumes where it was (same SQLite store).
 */
describe('fault drill: the Temporal server stops for a while', () => {
  const dir = path.join(process.env.DATA_DIR!, `temporal-drill-${Date.now()}`);
  const OUTAGE_MS = 30_000;
  let temporal: TemporalDevServer;
  let h: Harness;

  beforeAll(async () => {
    temporal = await startTemporalDevServer({ dataDir: dir, namespace: 'default', persistent: true });
    h = await startHarness({ notifier: false, endpoints: { TEMPORAL_ADDRESS: temporal.address } });
  });
  afterAll(async () => {
    await h?.stop();
    await temporal?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers 503 to writes, keeps serving reads, and resumes after the restart', async () => {
    const api = apiClient(h.apiUrl);
    const key = `temporal-drill-${Date.now()}`;
    await publishTemplates(h.prisma, [engineTestTemplate(key)]);
    const org = await createOrganisation(h);
    const coordinator = await createUser(h, 'coordinator');
    const started = await api.post('/api/v1/programmes', { templateKey: key, title: 'Panne Temporal', startDate: '2026-11-28', params: { slots: { contractor: org } } }, coordinator.token);
    expect(started.status).toBe(201);
    const id = started.body.id;
    const before = await h.prisma.programme.findUniqueOrThrow({ where: { id } });

    const port = Number(temporal.address.split(':')[1]);
    await temporal.stop();
    const outageStarted = Date.now();
    const write = await api.post(`/api/v1/programmes/${id}/steps/kickoff/complete`, { note: 'pendant la panne' }, coordinator.token);
    expect({ status: write.status, code: write.body.code }).toEqual({ status: 503, code: 'dependency_unavailable' });
    expect(Number(write.headers.get('retry-after'))).toBeGreaterThan(0);
    const health = await api.get('/healthz');
    expect(health.body.dependencies).toMatchObject({ temporal: 'down', database: 'up', redis: 'up' });
    expect((await api.get(`/api/v1/programmes/${id}`, coordinator.token)).status).toBe(200);
    const during = await h.prisma.programme.findUniqueOrThrow({ where: { id } });
    expect(during.stateVersion).toBe(before.stateVersion);
    // The outage lasts 30 s; reads keep being served and writes keep being refused throughout.
    while (Date.now() - outageStarted < OUTAGE_MS) {
      await new Promise((r) => setTimeout(r, 5000));
      expect((await api.get(`/api/v1/programmes/${id}`, coordinator.token)).status).toBe(200);
      const again = await api.post(`/api/v1/programmes/${id}/steps/kickoff/complete`, { note: 'pendant la panne' }, coordinator.token);
      expect({ status: again.status, code: again.body.code }).toEqual({ status: 503, code: 'dependency_unavailable' });
    }

    temporal = await startTemporalDevServer({ dataDir: dir, namespace: 'default', persistent: true, preferredPort: port });
    expect(temporal.address).toBe(`127.0.0.1:${port}`);
    // The client retries on its own; the first write after the restart goes through.
    let resumed = await api.post(`/api/v1/programmes/${id}/steps/kickoff/complete`, { note: 'après la panne' }, coordinator.token);
    for (let i = 0; resumed.status === 503 && i < 20; i++) {
      await new Promise((r) => setTimeout(r, 1000));
      resumed = await api.post(`/api/v1/programmes/${id}/steps/kickoff/complete`, { note: 'après la panne' }, coordinator.token);
    }
    expect(resumed.status).toBe(200);
    const state = await expectReadModelInSync(h, id);
    expect(state.steps.find((s) => s.key === 'kickoff')!.note).toBe('après la panne');
    expect(state.steps.find((s) => s.key === 'report')!.status).toBe('active');
  });
});
