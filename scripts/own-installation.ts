import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { childEnv } from '../infra/config';
import { findFreePort } from '../infra/ports';
import { killTree } from '../infra/process-tree';

const root = path.resolve(__dirname, '..');

export interface OwnInstallation {
  child: ChildProcess;
  dataDir: string;
  apiUrl: string;
  endpoints: { TEMPORAL_ADDRESS: string; DATABASE_URL: string };
  stop(): Promise<void>;
}

/**
 * `tsx scripts/start.ts` as `npm start` runs it, in `dataDir` on a free loopback port, with its own
 * embedded services whatever the environment points at and no scheduled backups: what the load
 * run and the screenshots need. Ready once it has written its endpoints and answers /healthz.
 */
export async function startOwnInstallation(dataDir: string, opts: { keep?: boolean } = {}): Promise<OwnInstallation> {
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  const port = await findFreePort(0);
  const logFile = path.join(dataDir, 'start.log');
  const log = fs.openSync(logFile, 'a');
  const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/start.ts'], {
    cwd: root,
    env: childEnv({ DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', TEMPORAL_ADDRESS: '', DATABASE_URL: '', REDIS_URL: '', SMTP_URL: '', APP_URL: '', BACKUP_INTERVAL_HOURS: '0', LOG_LEVEL: 'warn', NODE_ENV: 'development' }),
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const apiUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 300_000;
  for (;;) {
    const ready = fs.existsSync(path.join(dataDir, 'endpoints.json')) && (await fetch(`${apiUrl}/healthz`, { signal: AbortSignal.timeout(5000) }).then((r) => r.status === 200, () => false));
    if (ready) break;
    if (child.exitCode !== null) throw new Error(`the installation exited:\n${fs.readFileSync(logFile, 'utf8')}`);
    if (Date.now() > deadline) throw new Error('the installation did not become healthy within 300 s');
    await new Promise((r) => setTimeout(r, 500));
  }
  const endpoints = JSON.parse(fs.readFileSync(path.join(dataDir, 'endpoints.json'), 'utf8')) as OwnInstallation['endpoints'];
  return {
    child,
    dataDir,
    apiUrl,
    endpoints,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        // What Ctrl-C on `npm start` does; a hard stop if it takes more than a minute.
        child.kill('SIGINT');
        const timer = setTimeout(() => void killTree(child), 60_000);
        await exited;
        clearTimeout(timer);
      }
      if (!opts.keep) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
