import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { descendants, killTree } from '../../infra/process-tree';
import type { Harness } from './harness';

const root = path.resolve(__dirname, '..', '..');

/** A role of `scripts/start.ts` in its own OS process against the harness's services and task queue. */
export function spawnRoleProcess(h: Harness, role: 'api' | 'worker', logFile: string, extraEnv: Record<string, string> = {}): ChildProcess {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/start.ts', `--role=${role}`], {
    cwd: root,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: h.endpoints.TEMPORAL_ADDRESS,
      DATABASE_URL: h.endpoints.DATABASE_URL,
      REDIS_URL: h.endpoints.REDIS_URL,
      SMTP_URL: h.endpoints.SMTP_URL,
      TEMPORAL_TASK_QUEUE: h.taskQueue,
      LOG_LEVEL: 'warn',
      ...extraEnv,
    },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  return child;
}

/** A Temporal worker in its own OS process, so a test can kill -9 it like a crash would. */
export async function spawnWorkerProcess(h: Harness, logFile: string): Promise<ChildProcess> {
  const child = spawnRoleProcess(h, 'worker', logFile);
  // The worker is ready once it polls its task queue.
  const deadline = Date.now() + 60_000;
  for (;;) {
    const pollers = await h.client.workflowService.describeTaskQueue({ namespace: h.config.TEMPORAL_NAMESPACE, taskQueue: { name: h.taskQueue }, taskQueueType: 1 });
    const pids = [child.pid!, ...descendants(child.pid!)];
    if ((pollers.pollers ?? []).some((p) => pids.some((pid) => p.identity?.startsWith(`${pid}@`)))) return child;
    if (child.exitCode !== null) throw new Error(`worker process exited: ${fs.readFileSync(logFile, 'utf8')}`);
    if (Date.now() > deadline) throw new Error('worker process did not start polling within 60 s');
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** A crash: SIGKILL to the worker and its tsx grandchild. */
export const killHard = killTree;
