/**
 * 5. Worker footprint: resident memory of a separate worker process (`tsx scripts/start.ts
 *    --role=worker`, as deployed) as open programmes accumulate, per programme (least-squares
 *    slope), next to the same measurement of a worker process running the minimal workflow.
 *    Programmes are TI action 23 (a real template that starts no child workflow), each
 *    started through the API's own gateway (update-with-start, answered after projection).
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { createTemplateStore } from '../../activities/templates';
import type { Template } from '../../domain/template-schema';
import { createTemporalGateway } from '../../server/temporal-gateway';
import type { BenchEnv } from '../env';
import { bumpUpdate, minimalWorkflow } from '../minimal-workflows';
import { pool, row, sleepMs, slope, treeRss, type Metric } from '../support';
import { killTree } from '../../infra/process-tree';
import { spawnWorker } from '../worker-process';

const MiB = 1024 * 1024;

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

  // The application's worker, as deployed, in a process of its own.
  const startDate = new Date().toISOString().slice(0, 10);
  const measureApp = async (template: Template, tag: string, points: number[]) => {
    const queue = `bench-footprint-${tag}-${run}`;
    const worker = await spawnWorker(env, ['scripts/start.ts', '--role=worker'], queue, path.join(env.dataDir, `footprint-worker-${tag}.log`));
    const out: { x: number; y: number }[] = [];
    try {
      const gateway = createTemporalGateway(env.client, queue);
      let open = 0;
      for (const target of points) {
        const from = open;
        await pool(Array.from({ length: target - from }, (_, i) => from + i), 16, (i) =>
          gateway.startProgramme({ programmeId: `prg_fp_${tag}_${run}_${i}`, title: `Footprint ${i}`, template, startDate, coordinatorId: 'usr_bench_fp', dates: {}, slots: {} }),
        );
        open = target;
        out.push({ x: open, y: await settledRss(worker) });
      }
    } finally {
      await killTree(worker);
    }
    return out;
  };
  const t0 = Date.now();
  const templates = createTemplateStore(env.prisma);
  const appPoints = await measureApp(await templates.loadLatestTemplate('ti-action-23'), 'ti23', checkpoints);
  say(`  5. app worker: ${appPoints.map((p) => `${p.x}→${(p.y / MiB).toFixed(0)} MiB`).join(', ')} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);

  // The minimal workflow's worker process, same checkpoints.
  const minQueue = `bench-footprint-min-${run}`;
  const minWorker = await spawnWorker(env, ['bench/minimal-worker.ts', `--address=${env.endpoints.TEMPORAL_ADDRESS}`, `--queue=${minQueue}`, `--threads=${env.config.TEMPORAL_WORKFLOW_THREADS}`], minQueue, path.join(env.dataDir, 'footprint-minimal.log'));
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
    await killTree(minWorker);
  }
  say(`     minimal worker: ${minPoints.map((p) => `${p.x}→${(p.y / MiB).toFixed(0)} MiB`).join(', ')}`);

  const appSlope = slope(appPoints) / 1024;
  const minSlope = slope(minPoints) / 1024;
  // What each open programme holds: its start input (the whole template snapshot) and its state.
  const history = await env.client.workflow.getHandle(`prg_fp_ti23_${run}_0`).fetchHistory();
  const inputBytes = (history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads ?? []).reduce((sum, p) => sum + (p.data?.length ?? 0), 0);
  const stateRow = await env.pg.query<{ bytes: number }>(`SELECT octet_length(state::text)::int AS bytes FROM programmes WHERE id = $1`, [`prg_fp_ti23_${run}_0`]);
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
