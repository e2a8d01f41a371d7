import { killTree } from '../../infra/process-tree';
/**
 * 5. Worker footprint: resident memory of a separate worker process (`tsx scripts/start.ts
 *    --role=worker`, as deployed) as open programmes accumulate, per programme (least-squares
 *    slope), next to the same measurement of a worker process running the minimal workflow.
 *    Programmes are TI action 23 (a real template that starts no child workflow), each
 *    started through the API's own gateway (update-with-start, answered after projection).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { createTemplateStore } from '../../activities/templates';
import { createTemporalGateway } from '../../server/temporal-gateway';
import type { BenchEnv } from '../env';
import { bumpUpdate, minimalWorkflow } from '../minimal-workflows';
import { descendants, pool, row, sleepMs, slope, treeRss, waitUntil, type Metric } from '../support';

const root = path.resolve(__dirname, '..', '..');
const MiB = 1024 * 1024;

async function spawnWorker(env: BenchEnv, args: string[], queue: string, logFile: string): Promise<ChildProcess> {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), args, {
    cwd: root,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: env.endpoints.TEMPORAL_ADDRESS,
      DATABASE_URL: env.endpoints.DATABASE_URL,
      REDIS_URL: env.endpoints.REDIS_URL,
      SMTP_URL: env.endpoints.SMTP_URL,
      TEMPORAL_TASK_QUEUE: queue,
      DATA_DIR: env.dataDir,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  await waitUntil(
    `worker process polling ${queue}`,
    async () => {
      if (child.exitCode !== null) throw new Error(`worker exited: ${fs.readFileSync(logFile, 'utf8')}`);
      const res = await env.client.workflowService.describeTaskQueue({ namespace: env.config.TEMPORAL_NAMESPACE, taskQueue: { name: queue }, taskQueueType: 1 });
      const pids = [child.pid!, ...descendants(child.pid!)];
      return (res.pollers ?? []).some((p) => pids.some((pid) => p.identity?.startsWith(`${pid}@`)));
    },
    90_000,
    250,
  );
  return child;
}

const stopWorker = killTree;

/** RSS once the process settled: the median of five samples half a second apart. */
async function settledRss(child: ChildProcess): Promise<number> {
  await sleepMs(1500);
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    samples.push(treeRss(child.pid!));
    await sleepMs(500);
  }
  return samples.sort((a, b) => a - b)[2]!;
}

export async function benchFootprint(env: BenchEnv, opts: { checkpoints: number[]; say: (l: string) => void }): Promise<{ metrics: Metric[]; notes: string[] }> {
  const { checkpoints, say } = opts;
  const run = randomUUID().slice(0, 8);
  const total = checkpoints[checkpoints.length - 1]!;

  // The application's worker, as deployed.
  const appQueue = `bench-footprint-${run}`;
  const appWorker = await spawnWorker(env, ['scripts/start.ts', '--role=worker'], appQueue, path.join(env.dataDir, 'footprint-worker.log'));
  const appPoints: { x: number; y: number }[] = [];
  const t0 = Date.now();
  try {
    const template = await createTemplateStore(env.prisma).loadLatestTemplate('ti-action-23');
    const gateway = createTemporalGateway(env.client, appQueue);
    const startDate = new Date().toISOString().slice(0, 10);
    let open = 0;
    for (const target of checkpoints) {
      const from = open;
      await pool(Array.from({ length: target - from }, (_, i) => from + i), 16, (i) =>
        gateway.startProgramme({ programmeId: `prg_fp_${run}_${i}`, title: `Footprint ${i}`, template, startDate, coordinatorId: 'usr_bench_fp', dates: {}, slots: {} }),
      );
      open = target;
      appPoints.push({ x: open, y: await settledRss(appWorker) });
    }
  } finally {
    await stopWorker(appWorker);
  }
  say(`  5. app worker: ${appPoints.map((p) => `${p.x}→${(p.y / MiB).toFixed(0)} MiB`).join(', ')} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);

  // The minimal workflow's worker process, same checkpoints.
  const minQueue = `bench-footprint-min-${run}`;
  const minWorker = await spawnWorker(env, ['bench/minimal-worker.ts', `--address=${env.endpoints.TEMPORAL_ADDRESS}`, `--queue=${minQueue}`], minQueue, path.join(env.dataDir, 'footprint-minimal.log'));
  const minPoints: { x: number; y: number }[] = [];
  try {
    let open = 0;
    for (const target of checkpoints) {
      const from = open;
      // Update-with-start answers once the worker ran the workflow: it is in the cache.
      await pool(Array.from({ length: target - from }, (_, i) => from + i), 16, (i) =>
        env.client.workflow.executeUpdateWithStart(bumpUpdate, {
          startWorkflowOperation: new WithStartWorkflowOperation(minimalWorkflow, { workflowId: `bench-fp-min-${run}-${i}`, taskQueue: minQueue, args: [], workflowIdConflictPolicy: 'USE_EXISTING' }),
        }),
      );
      open = target;
      minPoints.push({ x: open, y: await settledRss(minWorker) });
    }
  } finally {
    await stopWorker(minWorker);
  }
  say(`     minimal worker: ${minPoints.map((p) => `${p.x}→${(p.y / MiB).toFixed(0)} MiB`).join(', ')}`);

  const appSlope = slope(appPoints) / 1024;
  const minSlope = slope(minPoints) / 1024;
  // What each open programme holds: its start input (the whole template snapshot) and its state.
  const history = await env.client.workflow.getHandle(`prg_fp_${run}_0`).fetchHistory();
  const inputBytes = (history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? []).reduce((sum, p) => sum + (p.data?.length ?? 0), 0);
  const stateRow = await env.pg.query<{ bytes: number }>(`SELECT octet_length(state::text)::int AS bytes FROM programmes WHERE id = $1`, [`prg_fp_${run}_0`]);
  const notes = [
    `Each open TI action 23 programme carries a ${(inputBytes / 1024).toFixed(1)} KiB start input (template snapshot) and a ${((stateRow.rows[0]?.bytes ?? 0) / 1024).toFixed(1)} KiB state (JSON); the minimal workflow has neither.`,
    `Footprint points (open programmes → worker RSS): app ${appPoints.map((p) => `${p.x}→${(p.y / MiB).toFixed(1)} MiB`).join(', ')}; minimal ${minPoints.map((p) => `${p.x}→${(p.y / MiB).toFixed(1)} MiB`).join(', ')}.`,
  ];
  return {
    metrics: [
      row(`worker RSS per open programme (TI action 23, ${total} open)`, appSlope, 'KiB/programme', minSlope, '≤ 2× minimal', (r) => r <= 2),
      row(`worker RSS with ${total} open programmes`, appPoints[appPoints.length - 1]!.y / MiB, 'MiB', minPoints[minPoints.length - 1]!.y / MiB, null, null),
    ],
    notes,
  };
}
