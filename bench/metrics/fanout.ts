/**
 * 4. Reminder fan-out: N reminders due at once, enqueued through the real
 *    enqueueNotifications activity (rows in `notifications`, jobs in BullMQ) for real users,
 *    delivered by the notifier to the local SMTP catcher; time until the catcher holds all N.
 *    Baseline: BullMQ's bare addBulk + a Worker (same concurrency) with a trivial processor.
 */
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import nodemailer, { type Transporter } from 'nodemailer';
import { createNotificationActivities } from '../../activities/notifications';
import { bullConnection, createNotificationQueue } from '../../infra/runtime';
import type { BenchEnv } from '../env';
import { drainNotifications, expectOk, percentile, pool, row, timed, waitUntil, type Metric } from '../support';

const USERS_PER_ORG = 100;
const NOTIFIER_CONCURRENCY = 8;

function countCaught(indexFile: string, needle: string): number {
  if (!fs.existsSync(indexFile)) return 0;
  let n = 0;
  for (const line of fs.readFileSync(indexFile, 'utf8').split('\n')) if (line.includes(needle)) n++;
  return n;
}

export async function benchFanout(env: BenchEnv, opts: { n: number; say: (l: string) => void }): Promise<{ metrics: Metric[]; notes: string[] }> {
  const { n, say } = opts;
  const run = randomUUID().slice(0, 8);
  const domain = `fanout-${run}.bench`;
  // Real recipients: N partner users in N/100 organisations, each on a domain of its own, so the
  // notifier's per-domain rate limit (a deliberate policy, see docs/performance.md) is not what is measured.
  const orgs = Math.ceil(n / USERS_PER_ORG);
  await env.pg.query(`INSERT INTO organisations (id, name, kind) SELECT 'org_fanout_${run}_' || o, 'Fan-out ${run} ' || o, 'training-organisation' FROM generate_series(0, $1::int - 1) o`, [orgs]);
  await env.pg.query(
    `INSERT INTO users (id, email, name, role, organisation_id) SELECT 'usr_fanout_${run}_' || u, 'u' || u || '@d' || u || '.${domain}', 'Partner ' || u, 'partner', 'org_fanout_${run}_' || (u / $2::int) FROM generate_series(0, $1::int - 1) u`,
    [n, USERS_PER_ORG],
  );
  // A real, projected programme: the notifier reads its step from the read model.
  const coordinator = await env.createUser('coordinator');
  const programme = await expectOk(env.http.call<{ id: string; title: string }>('POST', '/api/v1/programmes', coordinator.token, { templateKey: 'defi', title: `Fan-out ${run}`, startDate: new Date().toISOString().slice(0, 10) }), 'start DEFI');
  const queue = createNotificationQueue(env.endpoints.REDIS_URL);
  const { enqueueNotifications } = createNotificationActivities({ prisma: env.prisma, queue });
  const dueAt = new Date(Date.now() + 86_400_000).toISOString();
  const requests = Array.from({ length: orgs }, (_, o) => ({
    kind: 'reminder_before_due',
    stepKey: 'partner-mobilisation',
    to: { organisations: [`org_fanout_${run}_${o}`] },
    data: { reminderKey: `${programme.id}:partner-mobilisation:before-${o}:${dueAt}`, dueAt },
  }));
  const indexFile = path.join(env.endpoints.MAIL_DIR!, 'index.jsonl');
  let appMs = NaN;
  try {
    // Start from an idle notifier: earlier metrics' notifications must not be in the way.
    await drainNotifications(env.endpoints.REDIS_URL);
    const app = await timed(async () => {
      // As many programmes' timers firing at once would: one activity call per 10 reminders.
      for (let i = 0; i < requests.length; i += 10) {
        await enqueueNotifications({ programmeId: programme.id, title: programme.title, seq: 1 + i, requests: requests.slice(i, i + 10) });
      }
      await waitUntil('every reminder caught', async () => countCaught(indexFile, `.${domain}`) >= n, 600_000, 100).catch(async (err) => {
        throw new Error(`${String(err)}: caught ${countCaught(indexFile, `.${domain}`)}, queue ${JSON.stringify(await queue.getJobCounts())}`);
      });
    });
    appMs = app.ms;
  } finally {
    await queue.close();
  }
  say(`  4. ${n} reminders enqueued and caught by the SMTP catcher in ${(appMs / 1000).toFixed(1)} s`);

  // Notifier's processing time per job, from BullMQ's own timestamps.
  const probe = new Queue('notifications', { connection: bullConnection(env.endpoints.REDIS_URL) });
  const done = (await probe.getJobs(['completed'], 0, 999)).filter((j) => (j.data as { recipient?: { email?: string } }).recipient?.email?.endsWith(`.${domain}`));
  await probe.close();
  const processing = done.map((j) => (j.finishedOn ?? 0) - (j.processedOn ?? 0)).filter((x) => x >= 0);

  // Bare BullMQ: the same count, same concurrency, a processor that does nothing.
  const bareName = `bench-bare-${run}`;
  const bareQueue = new Queue(bareName, { connection: bullConnection(env.endpoints.REDIS_URL) });
  let completed = 0;
  const bareWorker = new Worker(bareName, async () => undefined, { connection: bullConnection(env.endpoints.REDIS_URL), concurrency: NOTIFIER_CONCURRENCY, autorun: false });
  bareWorker.on('completed', () => void completed++);
  const bare = await timed(async () => {
    void bareWorker.run();
    for (let i = 0; i < n; i += 1000) {
      await bareQueue.addBulk(Array.from({ length: Math.min(1000, n - i) }, (_, k) => ({ name: 'reminder_before_due', data: { i: i + k, dueAt }, opts: { jobId: `${run}-${i + k}` } })));
    }
    await waitUntil('bare jobs consumed', async () => completed >= n, 600_000, 20);
  });
  await bareWorker.close();
  await bareQueue.obliterate({ force: true }).catch(() => undefined);
  await bareQueue.close();
  say(`     bare BullMQ: ${n} jobs in ${(bare.ms / 1000).toFixed(1)} s`);

  // Component probe: what one SMTP delivery costs with a connection per message and with a pool (as the notifier's transport).
  const probeCount = Math.min(200, n);
  const mail = (transport: Transporter, tag: string) =>
    timed(() => pool(Array.from({ length: probeCount }, (_, i) => i), NOTIFIER_CONCURRENCY, (i) => transport.sendMail({ from: 'bench@jalons.local', to: `probe-${tag}-${i}@probe-${run}.bench`, subject: 'probe', text: 'probe' })));
  const single = nodemailer.createTransport({ url: env.endpoints.SMTP_URL, ignoreTLS: true } as never);
  const pooled = nodemailer.createTransport({ url: env.endpoints.SMTP_URL, ignoreTLS: true, pool: true, maxConnections: NOTIFIER_CONCURRENCY } as never);
  const singleRun = await mail(single, 'single');
  const pooledRun = await mail(pooled, 'pooled');
  pooled.close();
  single.close();

  const notes = [
    `Fan-out: the notifier spent ${percentile(processing, 50).toFixed(1)} ms (p50) / ${percentile(processing, 95).toFixed(1)} ms (p95) per job (BullMQ processedOn→finishedOn, ${processing.length} jobs) at concurrency ${NOTIFIER_CONCURRENCY}; ` +
      `a bare job costs ${((bare.ms / n) * NOTIFIER_CONCURRENCY).toFixed(2)} ms of wall time per slot. ` +
      `SMTP alone, ${probeCount} messages at concurrency ${NOTIFIER_CONCURRENCY}: ${(probeCount / (singleRun.ms / 1000)).toFixed(0)} msg/s with a connection per message, ` +
      `${(probeCount / (pooledRun.ms / 1000)).toFixed(0)} msg/s with a pooled transport (as the notifier's).`,
  ];
  say(`     ${notes[0]}`);
  return {
    metrics: [row(`reminder fan-out to SMTP (N=${n})`, appMs / 1000, 's', bare.ms / 1000, '≤ 2× bare', (r) => r <= 2)],
    notes,
  };
}
