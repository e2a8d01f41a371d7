/**
 * The bench's OS processes: the application's roles as docker-compose.yml deploys them
 * (`tsx scripts/start.ts --role=api|worker|notifier`) and `tsx bench/minimal-worker.ts`, pointed
 * at the bench's services; each resolved once it is ready (API healthy, worker polling its task
 * queue, notifier consuming the notification queue).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createNotificationQueue } from '../infra/runtime';
import type { BenchEnv } from './env';
import { descendants, waitUntil } from './support';

const root = path.resolve(__dirname, '..');

/** What spawning needs of the bench's world (available before the whole BenchEnv is). */
export type BenchServices = Pick<BenchEnv, 'endpoints' | 'client' | 'config' | 'dataDir'>;

function spawnTsx(env: BenchServices, args: string[], extraEnv: Record<string, string>, logFile: string): ChildProcess {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), args, {
    cwd: root,
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: env.endpoints.TEMPORAL_ADDRESS,
      DATABASE_URL: env.endpoints.DATABASE_URL,
      REDIS_URL: env.endpoints.REDIS_URL,
      SMTP_URL: env.endpoints.SMTP_URL,
      TEMPORAL_TASK_QUEUE: env.config.TEMPORAL_TASK_QUEUE,
      DATA_DIR: env.dataDir,
      LOG_LEVEL: 'warn',
      ...extraEnv,
    },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  return child;
}

function assertRunning(child: ChildProcess, logFile: string): void {
  if (child.exitCode !== null) throw new Error(`process exited: ${fs.readFileSync(logFile, 'utf8')}`);
}

export async function spawnWorker(env: BenchServices, args: string[], queue: string, logFile: string): Promise<ChildProcess> {
  const child = spawnTsx(env, args, { TEMPORAL_TASK_QUEUE: queue }, logFile);
  await waitUntil(
    `worker process polling ${queue}`,
    async () => {
      assertRunning(child, logFile);
      const res = await env.client.workflowService.describeTaskQueue({ namespace: env.config.TEMPORAL_NAMESPACE, taskQueue: { name: queue }, taskQueueType: 1 });
      const pids = [child.pid!, ...descendants(child.pid!)];
      return (res.pollers ?? []).some((p) => pids.some((pid) => p.identity?.startsWith(`${pid}@`)));
    },
    120_000,
    250,
  );
  return child;
}

export async function spawnApi(env: BenchServices, port: number, logFile: string): Promise<{ child: ChildProcess; url: string }> {
  const url = `http://127.0.0.1:${port}`;
  const child = spawnTsx(env, ['scripts/start.ts', '--role=api'], { PORT: String(port), HOST: '127.0.0.1', APP_URL: url }, logFile);
  await waitUntil(
    'API process healthy',
    async () => {
      assertRunning(child, logFile);
      return fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.status === 200, () => false);
    },
    120_000,
    250,
  );
  return { child, url };
}

export async function spawnNotifier(env: BenchServices, appUrl: string, logFile: string): Promise<ChildProcess> {
  const child = spawnTsx(env, ['scripts/start.ts', '--role=notifier'], { APP_URL: appUrl }, logFile);
  const queue = createNotificationQueue(env.endpoints.REDIS_URL);
  try {
    await waitUntil(
      'notifier process consuming',
      async () => {
        assertRunning(child, logFile);
        return (await queue.getWorkersCount()) > 0;
      },
      120_000,
      250,
    );
  } finally {
    await queue.close();
  }
  return child;
}

