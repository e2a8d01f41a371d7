import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { Harness } from './harness';
import { spawnRoleProcess } from './worker-process';

/** The API role in its own OS process (`tsx scripts/start.ts --role=api`), so a drill can kill -9 it. */
export async function spawnApiProcess(h: Harness, port: number, logFile: string): Promise<ChildProcess> {
  const child = spawnRoleProcess(h, 'api', logFile, { PORT: String(port), HOST: '127.0.0.1' });
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
