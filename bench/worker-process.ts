/**
 * Worker processes for the bench: `tsx scripts/start.ts --role=worker` (as deployed) or
 * `tsx bench/minimal-worker.ts`, pointed at the bench's services; resolved once the process
 * polls its task queue.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { killTree } from '../infra/process-tree';
import type { BenchEnv } from './env';
import { descendants, waitUntil } from './support';

const root = path.resolve(__dirname, '..');

export async function spawnWorker(env: BenchEnv, args: string[], queue: string, logFile: string): Promise<ChildProcess> {
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
    120_000,
    250,
  );
  return child;
}

export const stopWorker = killTree;
