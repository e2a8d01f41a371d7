import fs from 'node:fs';
import os from 'node:os';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import path from 'node:path';
import { applyMigrations } from '../../infra/migrate';
import { apiClient, createOrganisation, createUser, publishTemplates, startHarness, waitFor, workflowBundle, type Harness, type TestUser } from '../support/harness';
import { expectReadModelInSync, waitForReadModelInSync } from '../support/read-model';
import { startPostgresProcess, type PostgresProcess } from '../support/postgres-process';
import { engineTestTemplate, reminderTestTemplate } from '../support/test-templates';
import type { ProgrammeState } from '../../domain/programme-state';
import { programmeStateQuery } from '../../workflows/programme';

/**
 * PostgreSQL stops for about 30 s with programmes in flight. The drill runs a PostgreSQL of its
 * own so that other test files keep theirs. What must hold:
 * - the workflows keep their state and keep moving on their timers (Temporal queries answer);
 * - the API answers every call that needs the database with a prompt 503 problem document
 *   (never a hang, never a 500), and /healthz says which dependency is down;
 * - after the restart the projections catch up (activity retries), the reminders that fell due
 *   during the outage are recorded and sent once each, partners carry on, and the read model
 *   equals each workflow's own query.
 */
describe('fault drill: PostgreSQL stops for a while', () => {
  const OUTAGE_MS = 30_000;
  const dir = path.join(process.env.DATA_DIR!, `postgres-drill-${Date.now()}`);
  let pg: PostgresProcess;
  let port: number;
  let pgUp = false;
  let h: Harness;

  beforeAll(async () => {
    pg = await startPostgresProcess(dir);
    pgUp = true;
    port = pg.port;
    await applyMigrations(pg.url);
    h = await startHarness({ endpoints: { DATABASE_URL: pg.url } });
  }, 180_000);
  afterAll(async () => {
    if (!pgUp && pg) pg = await startPostgresProcess(dir, port).catch(() => pg);
    await h?.stop();
    await pg?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  /** For the report of a failed drill: the programme's history, kept outside the data directory removed afterwards. */
  async function saveHistory(id: string, why: string): Promise<void> {
    const history = await h.client.workflow.getHandle(id).fetchHistory();
    const file = path.join(os.tmpdir(), `postgres-drill-history-${id}.json`);
    fs.writeFileSync(file, JSON.stringify(temporal.api.history.v1.History.toObject(temporal.api.history.v1.History.fromObject(history), { longs: String, enums: String, bytes: String })));
    process.stdout.write(`[postgres drill] ${id} ${why}; history saved to ${file}\n`);
  }

  /** One call with an upper bound: a hang shows up as status 0, not as a stuck test. */
  async function timedCall(method: string, url: string, token: string, body?: unknown): Promise<{ status: number; body: any; contentType: string | null; ms: number }> {
    const started = Date.now();
    try {
        const res = await fetch(`${h.apiUrl}${url}`, {
          method,
          headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(25_000),
        });
        const text = await res.text();
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        return { status: res.status, body: parsed, contentType: res.headers.get('content-type'), ms: Date.now() - started };
      } catch (err) {
        // No answer: keep why (timeout, reset, refused) in the report.
        const cause = (err as { cause?: { code?: string; message?: string } }).cause;
        return { status: 0, body: { code: cause?.code ?? (err as Error).name, message: cause?.message ?? (err as Error).message }, contentType: null, ms: Date.now() - started };
      }
    }

    it('keeps workflows going, answers 503 while the database is away, and catches up afterwards', async () => {
      const api = apiClient(h.apiUrl);
      const suffix = Date.now();
      const engineKey = `pg-drill-engine-${suffix}`;
      const reminderKey = `pg-drill-remind-${suffix}`;
      // Due 14 s after the start: before-due, due, the overdue series and the escalation all fall inside the outage.
      await publishTemplates(h.prisma, [engineTestTemplate(engineKey), reminderTestTemplate(reminderKey, 14)]);
      const coordinator = await createUser(h, 'coordinator');
      const manager = await createUser(h, 'manager');
      const orgs = [await createOrganisation(h), await createOrganisation(h), await createOrganisation(h)];
      const partners: TestUser[] = [];
      for (const org of orgs) partners.push(await createUser(h, 'partner', org));

      // Programmes in flight: three partners each with a contractor programme at work and a reminder programme.
      const engineIds: string[] = [];
      const reminderIds: string[] = [];
      for (const [i, org] of orgs.entries()) {
        const e = await api.post('/api/v1/programmes', { templateKey: engineKey, title: `Panne PG ${i}`, startDate: '2026-11-28', params: { slots: { contractor: org } } }, coordinator.token);
        expect(e.status).toBe(201);
        engineIds.push(e.body.id);
        const kickoff = await api.post(`/api/v1/programmes/${e.body.id}/steps/kickoff/complete`, { note: 'lancé' }, coordinator.token);
        expect(kickoff.status).toBe(200);
        const link = await api.post(`/api/v1/programmes/${e.body.id}/steps/report/deliverables`, { title: 'Rapport v1', url: 'https://example.org/rapport-v1.pdf', kind: 'report' }, partners[i]!.token);
        expect(link.status).toBe(201);
      }
      for (const [i, org] of orgs.entries()) {
        const r = await api.post('/api/v1/programmes', { templateKey: reminderKey, title: `Relances PG ${i}`, startDate: '2026-11-28', params: { slots: { partner: org } } }, coordinator.token);
        expect(r.status).toBe(201);
        reminderIds.push(r.body.id);
      }
      const all = [...engineIds, ...reminderIds];
      for (const id of all) await expectReadModelInSync(h, id);
      const query = (id: string) => h.client.workflow.getHandle(id).query(programmeStateQuery);
      const before = new Map<string, ProgrammeState>();
      for (const id of all) before.set(id, await query(id));

      // Partners and a manager keep using the API through the whole drill.
      const seen: { phase: 'before' | 'outage' | 'after'; what: string; status: number; code?: string; problem: boolean; ms: number }[] = [];
      let phase: 'before' | 'outage' | 'after' = 'before';
      let polling = true;
      const calls: [string, string, string][] = [
        ...partners.map((p, i): [string, string, string] => ['GET', `/api/v1/programmes/${engineIds[i]}`, p.token]),
        ...partners.map((p): [string, string, string] => ['GET', '/api/v1/tasks', p.token]),
        ['GET', '/api/v1/dashboard', manager.token],
        ['GET', '/api/v1/programmes?limit=20', manager.token],
      ];
      const pollers = calls.map(async ([method, url, token]) => {
        while (polling) {
          const at = phase;
          const r = await timedCall(method, url, token);
          // A call still in flight when the database stops belongs to the outage: it may rightly get a 503.
          const tag = at === 'before' && phase !== 'before' ? 'outage' : at;
          seen.push({ phase: tag, what: `${method} ${url.replace(/prg_[\w-]+/, ':id')}`, status: r.status, code: r.body?.code, problem: r.contentType?.startsWith('application/problem+json') ?? false, ms: r.ms });
          await new Promise((res) => setTimeout(res, 250));
        }
      });
      const stopPolling = async () => {
        polling = false;
        await Promise.all(pollers);
      };
      try {
      await new Promise((r) => setTimeout(r, 1000));

      phase = 'outage';
      await pg.stop();
      pgUp = false;
      const outageStarted = Date.now();

      const health = await timedCall('GET', '/healthz', '');
      expect(health.status).toBe(503);
      expect(health.body.dependencies).toMatchObject({ database: 'down', temporal: 'up', redis: 'up' });
      // A partner's action needs the database (session owner, assignment): refused cleanly, nothing applied.
      const refused = await timedCall('POST', `/api/v1/programmes/${engineIds[0]}/steps/report/deliverables`, partners[0]!.token, { title: 'Rapport v2', url: 'https://example.org/rapport-v2.pdf', kind: 'report' });
      expect({ status: refused.status, code: refused.body?.code, problem: refused.contentType?.startsWith('application/problem+json') }).toEqual({ status: 503, code: 'dependency_unavailable', problem: true });
      const login = await api.post('/api/v1/auth/login', { email: partners[1]!.email, password: partners[1]!.password });
      expect({ status: login.status, code: login.body.code }).toEqual({ status: 503, code: 'dependency_unavailable' });

      // The workflows answer queries and move on their timers while their projection waits.
      // (The first timer that fires records its reminder, then waits for its projection: later
      // reminders follow once the database is back, so they are late, never lost.)
      const midway = await waitFor('a reminder fired during the outage in every reminder programme', async () => {
        const states = await Promise.all(reminderIds.map(query));
        return states.every((s) => s.steps[0]!.remindersSent.length > before.get(s.programmeId)!.steps[0]!.remindersSent.length) && states;
      }, OUTAGE_MS);
      for (const s of midway) expect(s.version).toBeGreaterThan(before.get(s.programmeId)!.version);
      for (const id of engineIds) expect((await query(id)).steps.find((s) => s.key === 'report')!.deliverables).toHaveLength(1);
      await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - outageStarted))));

      pg = await startPostgresProcess(dir, port);
      pgUp = true;
      expect(new URL(pg.url).port).toBe(String(port));
      phase = 'after';
      await waitFor('healthz 200 after the restart', async () => (await timedCall('GET', '/healthz', '')).status === 200, 60_000);

      // Projections catch up on their own (the activity retries with a backoff capped at one minute).
      for (const id of reminderIds) {
        await waitFor(`reminder programme ${id} projected with its escalation`, async () => {
          const row = await h.prisma.programme.findUnique({ where: { id } });
          const st = row?.state as unknown as ProgrammeState | undefined;
          return st?.steps[0]?.remindersSent.some((k) => k.includes('escalation'));
        }, 120_000).catch(async (err) => {
          await saveHistory(id, String(err));
          throw err;
        });
      }
      for (const id of all) await waitForReadModelInSync(h, id, 120_000);

      // Partners carry on: the coordinator accepts each report, the partner completes the step.
      for (const [i, id] of engineIds.entries()) {
        const deliverable = (await query(id)).steps.find((s) => s.key === 'report')!.deliverables[0]!;
        const accepted = await api.post(`/api/v1/programmes/${id}/steps/report/deliverables/${deliverable.id}/review`, { decision: 'accepted' }, coordinator.token);
        expect(accepted.status).toBe(200);
        const done = await api.post(`/api/v1/programmes/${id}/steps/report/complete`, { note: 'après la panne' }, partners[i]!.token);
        expect({ status: done.status, code: done.body.code }).toEqual({ status: 200, code: undefined });
      }
      for (const id of reminderIds) {
        const i = reminderIds.indexOf(id);
        expect((await api.post(`/api/v1/programmes/${id}/steps/deliver/complete`, {}, partners[i]!.token)).status).toBe(200);
      }
    } finally {
      await stopPolling();
      const summary = seen.reduce<Record<string, number>>((acc, x) => ((acc[`${x.phase} ${x.status}`] = (acc[`${x.phase} ${x.status}`] ?? 0) + 1), acc), {});
      const outage = seen.filter((x) => x.phase === 'outage');
      process.stdout.write(`[postgres drill] API answers by phase: ${JSON.stringify(summary)}; slowest answer during the outage ${outage.length ? Math.max(...outage.map((x) => x.ms)) : '-'} ms; other than 200/503: ${JSON.stringify(seen.filter((x) => x.status !== 200 && x.status !== 503).slice(0, 5))}\n`);
    }

    // The histories written around the outage replay against the workflow code (a worker that
    // lost its cache, or a query on a closed programme, replays them).
    for (const id of all) {
      const history = await h.client.workflow.getHandle(id).fetchHistory();
      const results = [];
      for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, [{ workflowId: id, history }])) results.push(result);
      if (results[0]?.error) await saveHistory(id, `does not replay (${String(results[0].error)})`);
      expect({ id, error: results[0]?.error ? String(results[0].error) : undefined }).toEqual({ id, error: undefined });
    }

    // Every reminder the workflow recorded has exactly one notification row per recipient, each sent once.
    for (const id of reminderIds) {
      const state = await expectReadModelInSync(h, id);
      const fired = state.steps[0]!.remindersSent;
      expect(fired.length).toBeGreaterThanOrEqual(4);
      const rows = await waitFor(`notifications of ${id} sent`, async () => {
        const r = await h.prisma.notification.findMany({ where: { programmeId: id, kind: { in: ['reminder_before_due', 'due_today', 'overdue', 'escalation'] } } });
        return r.length === fired.length && r.every((n) => n.status === 'sent') && r;
      }, 120_000);
      const keys = rows.map((r) => (r.payload as { data: { reminderKey: string } }).data.reminderKey);
      expect([...keys].sort()).toEqual([...fired].sort());
      const mailDir = process.env.MAIL_DIR!;
      const mails = fs.readdirSync(mailDir).filter((f) => f.endsWith('.eml')).map((f) => fs.readFileSync(path.join(mailDir, f), 'utf8'));
      for (const n of rows) expect({ id: n.id, mails: mails.filter((m) => m.includes(`X-Jalons-Notification: ${n.id}`)).length }).toEqual({ id: n.id, mails: 1 });
    }
    for (const id of engineIds) {
      const state = await expectReadModelInSync(h, id);
      expect(state.steps.find((s) => s.key === 'report')!.status).toBe('completed');
      // The refused upload during the outage left nothing behind.
      expect(state.steps.find((s) => s.key === 'report')!.deliverables).toHaveLength(1);
    }

    // What the API answered: 200 or a prompt 503 problem document, never a 500, never a hang.
    expect(seen.filter((s) => s.status !== 200 && s.status !== 503)).toEqual([]);
    expect(seen.filter((s) => s.status === 503 && !(s.code === 'dependency_unavailable' && s.problem))).toEqual([]);
    expect(seen.filter((s) => s.phase === 'outage' && s.status === 503).length).toBeGreaterThan(10);
    expect(seen.filter((s) => s.phase === 'before').every((s) => s.status === 200)).toBe(true);
    expect(seen.filter((s) => s.phase === 'after' && s.status === 200).length).toBeGreaterThan(0);
  }, 600_000);
});
