/**
 * 7. Scale-out: metrics 1 and 2 again with the programme task queue served by two separate
 *    worker processes (`tsx scripts/start.ts --role=worker` ×2, the in-process worker stopped),
 *    next to the bare baselines served by two `bench/minimal-worker.ts` processes. Runs last:
 *    the in-process worker does not come back.
 */
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { BenchEnv } from '../env';
import { killTree } from '../../infra/process-tree';
import { spawnWorker } from '../worker-process';
import { benchEngine, type EngineResult } from './engine';

export async function benchScaleOut(env: BenchEnv, opts: { programmes: number; processes: number; say: (l: string) => void }): Promise<EngineResult> {
  const { say, processes } = opts;
  const run = randomUUID().slice(0, 8);
  const minimalQueue = `bench-minimal-x${processes}-${run}`;
  const children: ChildProcess[] = [];
  try {
    const t0 = Date.now();
    await env.stopProgrammeWorker();
    // One after the other: each bundles its workflows at start, which is CPU-heavy.
    for (let i = 0; i < processes; i++) {
      children.push(await spawnWorker(env, ['scripts/start.ts', '--role=worker'], env.taskQueue, path.join(env.dataDir, `scale-out-worker-${i}.log`)));
      children.push(await spawnWorker(env, ['bench/minimal-worker.ts', `--address=${env.endpoints.TEMPORAL_ADDRESS}`, `--queue=${minimalQueue}`, `--threads=${env.config.TEMPORAL_WORKFLOW_THREADS}`], minimalQueue, path.join(env.dataDir, `scale-out-minimal-${i}.log`)));
    }
    say(`  7. ${processes} programme worker processes and ${processes} minimal ones polling (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
    return await benchEngine(env, { programmes: opts.programmes, say, label: `${processes} worker processes`, minimalQueue });
  } finally {
    for (const child of children) await killTree(child);
  }
}
