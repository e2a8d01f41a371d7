/**
 * 3. Dashboard (manager) and task list (partner) latency over HTTP with a large synthetic read
 *    model (rows inserted with generate_series), next to the single best hand-written SQL
 *    statement for the same answer, timed from this process over one pooled connection.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BenchEnv } from '../env';
import { percentile, row, timed, type Metric } from '../support';

const STEPS_PER_PROGRAMME = 20;
const ORGANISATIONS = 200;
const TEMPLATE_KEYS = ['defi', 'ti-action-23', 'tender', 'cite-apprentie', 'governance-cadence'];
const DAY_MS = 86_400_000;

async function seed(env: BenchEnv, programmes: number): Promise<void> {
  const q = (sql: string, params: unknown[] = []) => env.pg.query(sql, params);
  await q(`INSERT INTO organisations (id, name, kind) SELECT 'org_syn_' || o, 'Organisme synthétique ' || o, 'training-organisation' FROM generate_series(0, $1::int - 1) o ON CONFLICT DO NOTHING`, [ORGANISATIONS]);
  // 80 % active, 10 % completed, 5 % paused, 5 % cancelled; the state carries what the routes read (phases, indicators).
  await q(
    `INSERT INTO programmes (id, title, template_key, template_version, status, coordinator_id, start_date, late_steps, state_version, state, created_at, updated_at)
     SELECT 'prg_syn_' || p, 'Programme synthétique ' || p, ($2::text[])[1 + p % array_length($2::text[], 1)], 1,
            CASE WHEN p % 20 < 16 THEN 'active' WHEN p % 20 < 18 THEN 'completed' WHEN p % 20 = 18 THEN 'paused' ELSE 'cancelled' END,
            'usr_syn_coord_' || (p % 50), '2026-01-05', 0, 1,
            jsonb_build_object('programmeId', 'prg_syn_' || p, 'status', 'active',
              'phases', jsonb_build_array(jsonb_build_object('key', 'phase-0', 'status', 'completed'), jsonb_build_object('key', 'phase-1', 'status', CASE WHEN p % 37 = 0 THEN 'awaiting_gate' ELSE 'active' END)),
              'indicators', jsonb_build_object('partners-contacted', p % 41, 'partners-met', p % 15)),
            now() - (p % 700) * interval '1 day', now() - (p % 5000) * interval '1 minute'
     FROM generate_series(1, $1::int) p`,
    [programmes, TEMPLATE_KEYS],
  );
  // 20 steps each: completed up to a programme-specific point, then two active, then pending; due dates from 40 days ago to 110 days ahead.
  await q(
    `INSERT INTO steps (programme_id, key, step_key, phase_key, name, status, position, due_at, assignee_kind, organisation_id, milestone, completed_at)
     SELECT 'prg_syn_' || p, 'step-' || s, 'step-' || s, 'phase-' || (s / 5), 'Étape ' || s,
            CASE WHEN p % 20 IN (16, 17) OR s < k.c THEN 'completed' WHEN s < k.c + 2 THEN 'active' ELSE 'pending' END,
            s,
            CASE WHEN s % 7 = 6 THEN NULL ELSE now() + (((p * 31 + s * 17) % 150) - 40) * interval '1 day' + (p % 24) * interval '1 hour' END,
            CASE WHEN s % 3 = 1 THEN 'organisation' ELSE 'coordinator' END,
            CASE WHEN s % 3 = 1 THEN 'org_syn_' || ((p + s) % $3::int) END,
            s % 5 = 4,
            CASE WHEN p % 20 IN (16, 17) OR s < k.c THEN now() - interval '10 days' END
     FROM generate_series(1, $1::int) p CROSS JOIN generate_series(0, $2::int - 1) s CROSS JOIN LATERAL (SELECT (p * 7) % 18 AS c) k`,
    [programmes, STEPS_PER_PROGRAMME, ORGANISATIONS],
  );
  await q(
    `INSERT INTO enrolments (programme_id, organisation_id, phase_key, enrolled_at)
     SELECT 'prg_syn_' || p, 'org_syn_' || ((p * 3 + e) % $2::int), 'phase-1', now() - interval '30 days'
     FROM generate_series(1, $1::int) p CROSS JOIN generate_series(0, 2) e ON CONFLICT DO NOTHING`,
    [programmes, ORGANISATIONS],
  );
  // The workflow's lateness mark, then late_steps and next_due_at as the projection computes them,
  // per programme and per taking-part organisation.
  await q(`UPDATE steps SET late = true WHERE programme_id LIKE 'prg_syn_%' AND status = 'active' AND due_at <= now()`);
  await q(
    `INSERT INTO programme_organisations (programme_id, organisation_id, late_steps, next_due_at)
     SELECT m.programme_id, m.organisation_id,
            (SELECT COUNT(*) FROM steps s WHERE s.programme_id = m.programme_id AND s.organisation_id = m.organisation_id AND s.late)::int,
            (SELECT MIN(s.due_at) FROM steps s WHERE s.programme_id = m.programme_id AND s.organisation_id = m.organisation_id AND s.status = 'active')
     FROM (SELECT programme_id, organisation_id FROM enrolments WHERE programme_id LIKE 'prg_syn_%'
           UNION SELECT programme_id, organisation_id FROM steps WHERE programme_id LIKE 'prg_syn_%' AND organisation_id IS NOT NULL) m
     ON CONFLICT DO NOTHING`,
  );
  await q(
    `UPDATE programmes p SET late_steps = x.late, next_due_at = x.next
     FROM (SELECT programme_id, (COUNT(*) FILTER (WHERE status = 'active' AND due_at < now()))::int AS late, MIN(due_at) FILTER (WHERE status = 'active') AS next
           FROM steps WHERE programme_id LIKE 'prg_syn_%' GROUP BY programme_id) x
     WHERE p.id = x.programme_id`,
  );
  await q('ANALYZE');
}

/** Everything GET /api/v1/dashboard answers (no filter), in one statement. */
const DASHBOARD_SQL = `
WITH active AS (SELECT id, title, template_key, status, late_steps, next_due_at FROM programmes WHERE status = 'active')
SELECT json_build_object(
  'byStatus', (SELECT json_object_agg(status, n) FROM (SELECT status, COUNT(*) AS n FROM programmes GROUP BY status) x),
  'byTemplate', (SELECT json_agg(x ORDER BY n DESC, template_key) FROM (SELECT template_key, COUNT(*) AS n FROM programmes GROUP BY template_key) x),
  'rag', (SELECT json_build_object('red', COUNT(*) FILTER (WHERE late_steps > 0), 'amber', COUNT(*) FILTER (WHERE late_steps = 0 AND next_due_at < $2),
                                   'green', COUNT(*) FILTER (WHERE late_steps = 0 AND (next_due_at IS NULL OR next_due_at >= $2))) FROM active),
  'health', (SELECT json_agg(h) FROM (SELECT * FROM active ORDER BY CASE WHEN late_steps > 0 THEN 0 WHEN next_due_at < $2 THEN 1 ELSE 2 END, late_steps DESC, next_due_at ASC NULLS LAST, id LIMIT 200) h),
  'late', (SELECT json_agg(x) FROM (SELECT s.programme_id, a.title, s.key, s.name, s.due_at, s.organisation_id FROM steps s JOIN active a ON a.id = s.programme_id
                                    WHERE s.status = 'active' AND s.late ORDER BY s.due_at, s.programme_id, s.key LIMIT 100) x),
  'atRisk', (SELECT json_agg(x) FROM (SELECT s.programme_id, a.title, s.key, s.name, s.due_at, s.organisation_id FROM steps s JOIN active a ON a.id = s.programme_id
                                      WHERE s.status = 'active' AND NOT s.late AND s.due_at > $1 AND s.due_at < $2 ORDER BY s.due_at, s.programme_id, s.key LIMIT 100) x),
  'milestones', (SELECT json_agg(m) FROM (SELECT * FROM (SELECT DISTINCT ON (s.programme_id, s.step_key) s.programme_id, a.title, s.step_key AS key, s.name, s.due_at
                                          FROM steps s JOIN active a ON a.id = s.programme_id
                                          WHERE s.milestone AND s.status IN ('pending', 'active') AND s.due_at >= $1 AND s.due_at < $3
                                          ORDER BY s.programme_id, s.step_key, s.due_at) d ORDER BY due_at, programme_id, key LIMIT 100) m),
  'indicators', (SELECT json_agg(i) FROM (SELECT p.id, p.title, p.template_key, t.definition->'indicators' AS defs, p.state->'indicators' AS actual
                                          FROM programmes p JOIN templates t ON t.key = p.template_key AND t.version = p.template_version
                                          WHERE p.status <> 'cancelled' AND jsonb_array_length(t.definition->'indicators') > 0
                                          ORDER BY (p.status = 'active') DESC, p.updated_at DESC, p.id LIMIT 200) i)
) AS dashboard`;

/** Everything GET /api/v1/tasks answers a partner, in one statement. */
const TASKS_SQL = `
SELECT s.programme_id, p.title, s.phase_key, s.key, s.name, s.status, s.due_at
FROM steps s JOIN programmes p ON p.id = s.programme_id
WHERE s.organisation_id = $1 AND s.status = 'active'
ORDER BY s.due_at ASC NULLS LAST, s.position
LIMIT 200`;

async function sample(n: number, warmUp: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n + warmUp; i++) {
    const { ms } = await timed(fn);
    if (i >= warmUp) out.push(ms);
  }
  return out;
}

export async function benchReadModel(env: BenchEnv, opts: { programmes: number; samples: number; say: (l: string) => void }): Promise<{ metrics: Metric[]; notes: string[] }> {
  const { programmes, samples, say } = opts;
  const { ms: seedMs } = await timed(() => seed(env, programmes));
  const counts = await env.pg.query<{ programmes: number; steps: number }>(`SELECT (SELECT COUNT(*) FROM programmes)::int AS programmes, (SELECT COUNT(*) FROM steps)::int AS steps`);
  const { programmes: totalProgrammes, steps: totalSteps } = counts.rows[0]!;
  say(`  3. read model seeded in ${(seedMs / 1000).toFixed(1)} s: ${totalProgrammes} programmes, ${totalSteps} steps`);

  const manager = await env.createUser('manager');
  const partner = await env.createUser('partner', 'org_syn_7');
  const check = async (path: string, token: string) => {
    const res = await env.http.call('GET', path, token);
    if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    return res.body as Record<string, unknown[]>;
  };
  const tasks = await check('/api/v1/tasks', partner.token);
  const dashboard = await check('/api/v1/dashboard', manager.token);
  const warmUp = 5;
  const dashHttp = await sample(samples, warmUp, () => check('/api/v1/dashboard', manager.token));
  const dashSql = await sample(samples, warmUp, () => {
    const now = Date.now();
    return env.pg.query(DASHBOARD_SQL, [new Date(now), new Date(now + 7 * DAY_MS), new Date(now + 60 * DAY_MS)]);
  });
  const tasksHttp = await sample(samples, warmUp, () => check('/api/v1/tasks', partner.token));
  const tasksSql = await sample(samples, warmUp, () => env.pg.query(TASKS_SQL, ['org_syn_7']));
  // The floor of any signed-in route: HTTP, helmet, session lookup, one small read, response validation.
  const meHttp = await sample(samples, warmUp, () => check('/api/v1/me', partner.token));

  // The floor of any HTTP answer on this machine: a bare node:http server sending the task list's
  // JSON, called with the same client (fetch), no Express, no auth, no database.
  const body = JSON.stringify(tasks);
  const bare = http.createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(body));
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/`;
  const bareHttp = await sample(samples, warmUp, async () => (await fetch(bareUrl)).json());
  await new Promise<void>((resolve) => bare.close(() => resolve()));
  // Sanity: the SQL gives the same answer sizes as the API.
  const sqlTasks = (await env.pg.query(TASKS_SQL, ['org_syn_7'])).rowCount;
  const sqlDash = (await env.pg.query<{ dashboard: Record<string, unknown[] | null> }>(DASHBOARD_SQL, [new Date(), new Date(Date.now() + 7 * DAY_MS), new Date(Date.now() + 60 * DAY_MS)])).rows[0]!.dashboard;
  const sizes = (d: Record<string, unknown[] | null | unknown>, keys: string[]) => keys.map((k) => (Array.isArray(d[k]) ? (d[k] as unknown[]).length : 0)).join('/');
  const notes = [
    `Read model (${totalProgrammes} programmes, ${totalSteps} steps): API answers health/late/atRisk/milestones ${sizes(dashboard, ['health', 'lateSteps', 'atRiskSteps', 'upcomingMilestones'])} rows, ` +
      `the hand SQL ${sizes(sqlDash, ['health', 'late', 'atRisk', 'milestones'])}; partner tasks: API ${tasks.items?.length ?? 0}, SQL ${sqlTasks}.`,
    `Floor of a signed-in route (GET /api/v1/me as a partner): p50 ${percentile(meHttp, 50).toFixed(2)} ms, p95 ${percentile(meHttp, 95).toFixed(2)} ms; ` +
      `partner task list p50 ${percentile(tasksHttp, 50).toFixed(2)} ms (its SQL ${percentile(tasksSql, 50).toFixed(2)} ms); ` +
      `a bare node:http server answering the same JSON: p50 ${percentile(bareHttp, 50).toFixed(2)} ms, p95 ${percentile(bareHttp, 95).toFixed(2)} ms; dashboard p50 ${percentile(dashHttp, 50).toFixed(2)} ms (one-statement SQL ${percentile(dashSql, 50).toFixed(2)} ms).`,
  ];
  for (const note of notes) say(`     ${note}`);
  const label = `${Math.round(programmes / 1000)}k programmes / ${Math.round((programmes * STEPS_PER_PROGRAMME) / 1000)}k steps`;
  const target = '≤ 2× SQL and < 100 ms (p95)';
  return {
    metrics: [
      row(`dashboard GET p50 (${label})`, percentile(dashHttp, 50), 'ms', percentile(dashSql, 50), null, null),
      row(`dashboard GET p95 (${label})`, percentile(dashHttp, 95), 'ms', percentile(dashSql, 95), target, (r, v) => r <= 2 && v < 100),
      row(`partner task list GET p50 (${label})`, percentile(tasksHttp, 50), 'ms', percentile(tasksSql, 50), null, null),
      row(`partner task list GET p95 (${label})`, percentile(tasksHttp, 95), 'ms', percentile(tasksSql, 95), target, (r, v) => r <= 2 && v < 100),
    ],
    notes,
  };
}
