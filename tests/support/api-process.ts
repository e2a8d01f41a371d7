import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Harness } from './harness';

const root = path.resolve(__dirname, '..', '..');

/** The API role in its own OS process (`tsx scripts/start.ts --role=api`), so a drill can kill -9 it. */
export async function spawnApiProcess(h: Harness, port: number, logFile: string): Promise<ChildProcess> {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/start.ts', '--role=api'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      TEMPORAL_ADDRESS: h.endpoints.TEMPORAL_ADDRESS,
      DATABASE_URL: h.endpoints.DATABASE_URL,
      REDIS_URL: h.endpoints.REDIS_URL,
      SMTP_URL: h.endpoints.SMTP_URL,
      TEMPORAL_TASK_QUEUE: h.taskQueue,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  // Ready once /healthz answers 200.
  const deadline = Date.now() + 90_000;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(5000) }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return child;
    if (child.exitCode !== null) throw new Error(`API process exited: ${fs.readFileSync(logFile, 'utf8')}`);
    if (Date.now() > deadline) throw new Error('API process did not answer /healthz within 90 s');
    await new Promise((r) => setTimeout(r, 250));
  }
}
