/**
 * Where a step completion's time goes (development aid behind docs/performance.md, metric 1):
 * replaces the bench's programme worker process by an in-process worker whose activities note
 * when they start and end, completes DEFI launch steps over HTTP one at a time, and splits each
 * request at its projection (a local activity): request → projection starts (HTTP, session,
 * rights, Update to the server, workflow task, activation), the projection, projection ends →
 * answer (activation, task completion, Update result, HTTP answer).
 *
 *   npx tsx bench/completion-timeline.ts [--n=40]
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { createProgrammeActivities, type ProgrammeActivities } from '../activities';
import { createPrisma } from '../infra/prisma';
import { createNotificationQueue } from '../infra/runtime';
import { startBenchEnv } from './env';
import { expectOk, percentile, pool, timed } from './support';

const n = Number(process.argv.find((a) => a.startsWith('--n='))?.slice(4) ?? 40);
const STEPS = ['partner-mobilisation', 'partner-allocation', 'framing-evaluation'];
const say = (line: string) => process.stdout.write(`${line}\n`);

interface Span {
  activity: string;
  from: number;
  to: number;
}

/** The same activities, each call recorded as a span. */
function timedActivities(activities: ProgrammeActivities, spans: Span[]): ProgrammeActivities {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities) as [string, (...args: unknown[]) => Promise<unknown>][]) {
    wrapped[name] = async (...args: unknown[]) => {
      const from = performance.now();
      try {
        return await fn(...args);
      } finally {
        spans.push({ activity: name, from, to: performance.now() });
      }
    };
  }
  return wrapped as ProgrammeActivities;
}

async function main(): Promise<void> {
  const env = await startBenchEnv(say);
  const spans: Span[] = [];
  const connection = await NativeConnection.connect({ address: env.endpoints.TEMPORAL_ADDRESS });
  const prisma = createPrisma(env.endpoints.DATABASE_URL);
  const queue = createNotificationQueue(env.endpoints.REDIS_URL);
  let worker: Worker | undefined;
  let run: Promise<void> | undefined;
  try {
    await env.stopProgrammeWorker();
    worker = await Worker.create({
      connection,
      namespace: env.config.TEMPORAL_NAMESPACE,
      taskQueue: env.taskQueue,
      workflowsPath: require.resolve('../workflows'),
      activities: timedActivities(createProgrammeActivities({ prisma, queue }), spans),
      workflowThreadPoolSize: env.config.TEMPORAL_WORKFLOW_THREADS,
    });
    run = worker.run();
    const coordinator = await env.createUser('coordinator');
    const startDate = new Date().toISOString().slice(0, 10);
    const ids = await pool(Array.from({ length: n }, (_, i) => i), 8, async (i) =>
      (await expectOk(env.http.call<{ id: string }>('POST', '/api/v1/programmes', coordinator.token, { templateKey: 'defi', title: `Timeline ${i}`, startDate }), 'start DEFI')).id,
    );
    const rows: { total: number; before: number; projection: number; after: number; dueDates: number }[] = [];
    for (const step of STEPS) {
      for (const id of ids) {
        spans.length = 0;
        const t0 = performance.now();
        const { ms } = await timed(() => expectOk(env.http.call('POST', `/api/v1/programmes/${id}/steps/${step}/complete`, coordinator.token, {}), `complete ${step}`));
        const projections = spans.filter((s) => s.activity === 'projectProgramme');
        if (projections.length !== 1) continue;
        const p = projections[0]!;
        rows.push({ total: ms, before: p.from - t0, projection: p.to - p.from, after: t0 + ms - p.to, dueDates: spans.filter((s) => s.activity === 'resolveDueDate').length });
      }
    }
    const line = (label: string, subset: typeof rows) =>
      `${label} (${subset.length}): total p50 ${percentile(subset.map((r) => r.total), 50).toFixed(1)} ms = request → projection ${percentile(subset.map((r) => r.before), 50).toFixed(1)}` +
      ` + projection ${percentile(subset.map((r) => r.projection), 50).toFixed(1)} + projection → answer ${percentile(subset.map((r) => r.after), 50).toFixed(1)} (medians of each part)`;
    say(line('all completions', rows));
    say(line('with a due date to resolve', rows.filter((r) => r.dueDates > 0)));
    say(line('without', rows.filter((r) => r.dueDates === 0)));
  } finally {
    if (worker?.getState() === 'RUNNING') worker.shutdown();
    await run?.catch(() => undefined);
    await Promise.allSettled([queue.close(), prisma.$disconnect()]);
    await env.stop();
    await connection.close();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
