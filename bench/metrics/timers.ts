/**
 * 6. Timer accuracy: programmes parked on durable timers (a reminder 3 s before a due date a
 *    few seconds away, and one on the due date); lag between each reminder's planned instant
 *    and its notification row's queued_at, next to a bare `sleep` workflow whose activity
 *    records when it ran.
 */
import { randomUUID } from 'node:crypto';
import type { TemplateInput } from '../../domain/template-schema';
import { seedTemplates } from '../../infra/runtime';
import type { BenchEnv } from '../env';
import { profileTimerFirings, type TimerFiring } from '../history-profile';
import { sleepWorkflow } from '../minimal-workflows';
import { drainNotifications, expectOk, percentile, pool, row, waitUntil, type Metric } from '../support';

const BEFORE_S = 3;

function timerTemplate(key: string, dueInSeconds: number): TemplateInput {
  return {
    key,
    version: 1,
    name: { fr: 'Bench minuteries', en: 'Bench timers' },
    labels: { roles: { partner: { fr: 'Partenaire', en: 'Partner' } } },
    reminders: { unit: 'seconds', beforeDue: [BEFORE_S], onDue: true, overdueEvery: null, escalateAfter: null },
    phases: [
      {
        key: 'only',
        name: { fr: 'Unique', en: 'Only' },
        steps: [{ key: 'deliver', name: { fr: 'Livrer', en: 'Deliver' }, assignee: { kind: 'slot', slot: 'partner' }, due: { from: 'programmeStart', offset: { amount: dueInSeconds, unit: 'seconds' } } }],
      },
    ],
  };
}

export async function benchTimers(env: BenchEnv, opts: { programmes: number; dueInSeconds: number; say: (l: string) => void }): Promise<{ metrics: Metric[]; notes: string[] }> {
  const { programmes: m, dueInSeconds, say } = opts;
  const run = randomUUID().slice(0, 8);
  const key = `bench-timers-${run}`;
  await seedTemplates(env.prisma, [timerTemplate(key, dueInSeconds)]);
  // One partner organisation, user and e-mail domain per programme, as real programmes have: with a
  // single recipient the notifier's per-domain limit (30 a minute) kept thousands of e-mails cycling
  // through it while the timers fired, a cost no real deployment has and the baseline never paid.
  const orgOf = (i: number) => `org_timers_${run}_${i}`;
  await env.pg.query(`INSERT INTO organisations (id, name, kind) SELECT 'org_timers_${run}_' || o, 'Timers ${run} ' || o, 'training-organisation' FROM generate_series(0, $1::int - 1) o`, [m]);
  await env.pg.query(
    `INSERT INTO users (id, email, name, role, organisation_id) SELECT 'usr_timers_${run}_' || u, 'p' || u || '@t' || u || '.timers-${run}.bench', 'Partner ' || u, 'partner', 'org_timers_${run}_' || u FROM generate_series(0, $1::int - 1) u`,
    [m],
  );
  const coordinator = await env.createUser('coordinator');

  // From an idle notifier: earlier metrics' e-mails (one coordinator, 30 a minute) would otherwise
  // keep cycling through it while these timers fire.
  await drainNotifications(env.endpoints.REDIS_URL);

  const t0 = Date.now();
  const started = await pool(Array.from({ length: m }, (_, i) => i), 8, (i) =>
    expectOk(env.http.call<{ id: string; phases: { steps: { dueAt: string }[] }[] }>('POST', '/api/v1/programmes', coordinator.token, { templateKey: key, title: `Timers ${i}`, startDate: new Date().toISOString().slice(0, 10), params: { slots: { partner: orgOf(i) } } }), 'start timers programme'),
  );
  say(`  6. ${m} programmes parked on timers (due in ${dueInSeconds} s) started in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const ids = started.map((p) => p.id);
  const expected = 2 * m;
  const rows = await waitUntil(
    'every reminder queued',
    async () => {
      const r = await env.pg.query<{ kind: string; queued_at: Date; due_at: string }>(
        `SELECT kind, queued_at, payload->'data'->>'dueAt' AS due_at FROM notifications WHERE programme_id = ANY($1) AND kind IN ('reminder_before_due', 'due_today')`,
        [ids],
      );
      return r.rows.length >= expected && r.rows;
    },
    dueInSeconds * 1000 + 60_000,
    250,
  );
  const appLags = rows.map((r) => r.queued_at.getTime() - (Date.parse(r.due_at) - (r.kind === 'reminder_before_due' ? BEFORE_S * 1000 : 0)));

  // The reminders' e-mails must not be sent while the bare timers run: the baseline would pay for
  // the application's deliveries.
  await drainNotifications(env.endpoints.REDIS_URL);

  // Bare: the same number of workflows sleeping until the same instants, shifted by the time elapsed since the app's starts began.
  const t1 = Date.now();
  const shift = t1 - t0;
  const appDues = started.map((p) => Date.parse(p.phases[0]!.steps[0]!.dueAt));
  await pool(Array.from({ length: m }, (_, i) => i), 8, (i) => {
    const due = appDues[i]! + shift;
    return env.client.workflow.start(sleepWorkflow, { taskQueue: env.minimalQueue, workflowId: `bench-sleep-${run}-${i}`, args: [[due - BEFORE_S * 1000, due]] });
  });
  // The last bare instant lies as far ahead as the app's starts took plus the due offset (full runs: minutes).
  const lastBare = Math.max(...appDues) + shift;
  const wakes = await waitUntil('every bare timer', async () => {
    const w = env.wakes.filter((x) => x.plannedAt >= t1);
    return w.length >= expected && w;
  }, Math.max(lastBare - Date.now(), 0) + 60_000, 250);
  const bareLags = wakes.map((w) => w.at - w.plannedAt);
  say(`     ${appLags.length} reminders vs ${bareLags.length} bare timers`);

  // Where the lag sits, from the histories of a sample of each kind (server timestamps).
  const sample = (n: number) => Array.from({ length: Math.min(n, m) }, (_, i) => Math.floor((i * m) / Math.min(n, m)));
  const firingsOf = async (workflowIds: string[]) =>
    (await pool(workflowIds, 4, async (id) => profileTimerFirings((await env.client.workflow.getHandle(id).fetchHistory()).events ?? []))).flat();
  const appFirings = await firingsOf(sample(50).map((i) => ids[i]!));
  const bareFirings = await firingsOf(sample(50).map((i) => `bench-sleep-${run}-${i}`));
  const describeFirings = (f: TimerFiring[]) =>
    (['firedLateMs', 'queuedMs', 'runningMs'] as const).map((k) => `${k.replace('Ms', '')} p50 ${percentile(f.map((x) => x[k]), 50)} / p99 ${percentile(f.map((x) => x[k]), 99)} ms`).join(', ');
  const note = `Timer firings from history (${appFirings.length} of the programmes', ${bareFirings.length} of the bare sleeps'): programmes ${describeFirings(appFirings)}; bare ${describeFirings(bareFirings)}. Fired late = server; queued = waiting for the worker; running = the woken workflow task on the worker.`;
  say(`     ${note}`);
  const name = `timer lag (${m} programmes, ${expected} reminders)`;
  return {
    notes: [note],
    metrics: [
      row(`${name} p50`, percentile(appLags, 50), 'ms', percentile(bareLags, 50), null, null),
      row(`${name} p99`, percentile(appLags, 99), 'ms', percentile(bareLags, 99), '≤ 1.2× bare (p99)', (r) => r <= 1.2),
    ],
  };
}
