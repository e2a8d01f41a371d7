import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { SEARCH_ATTRIBUTES } from '../workflows/search-attributes';
import { spawnService, type ManagedProcess } from './child-process';
import { findFreePort, waitForPort } from './ports';

export const TEMPORAL_CLI_VERSION = 'v1.5.1';

/** Where `scripts/bootstrap.mjs` builds the CLI; outside the repo so fresh clones reuse it. */
export function temporalCliCachePath(): string {
  return path.join(os.homedir(), '.cache', 'jalons', 'temporal-cli', TEMPORAL_CLI_VERSION, 'temporal');
}

export function locateTemporalCli(explicit?: string): string {
  if (explicit) return explicit;
  const cached = temporalCliCachePath();
  if (fs.existsSync(cached)) return cached;
  try {
    return execFileSync('sh', ['-c', 'command -v temporal'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error(
      'The Temporal CLI is missing. Run `node scripts/bootstrap.mjs` (it builds it with Go), ' +
        'install `temporal` on PATH, or set TEMPORAL_ADDRESS to an existing server.',
    );
  }
}

export interface TemporalDevServer extends ManagedProcess {
  address: string;
  uiUrl: string;
}

export async function startTemporalDevServer(opts: {
  dataDir: string;
  cliPath?: string;
  namespace: string;
  /** Keep history in a SQLite file under dataDir (npm start) or in memory (tests). */
  persistent: boolean;
  preferredPort?: number;
}): Promise<TemporalDevServer> {
  const cli = locateTemporalCli(opts.cliPath);
  const port = await findFreePort(opts.preferredPort ?? 0);
  const uiPort = await findFreePort(opts.preferredPort ? opts.preferredPort + 1000 : 0);
  const metricsPort = await findFreePort(0);
  const dir = path.join(opts.dataDir, 'temporal');
  fs.mkdirSync(dir, { recursive: true });
  const args = [
    'server', 'start-dev',
    '--ip', '127.0.0.1',
    '--port', String(port),
    '--ui-port', String(uiPort),
    '--metrics-port', String(metricsPort),
    '--namespace', opts.namespace,
    '--log-level', 'warn',
    ...SEARCH_ATTRIBUTES.flatMap((a) => ['--search-attribute', `${a.name}=${a.type}`]),
  ];
  if (opts.persistent) {
    // Without WAL the SQLite store manages about one workflow start per second.
    args.push(
      '--db-filename', path.join(dir, 'temporal.sqlite'),
      '--sqlite-pragma', 'journal_mode=wal',
      '--sqlite-pragma', 'synchronous=normal',
    );
  }
  const proc = spawnService('temporal', cli, args, path.join(dir, 'server.log'), { runDir: path.join(opts.dataDir, 'run') });
  const address = `127.0.0.1:${port}`;
  try {
    await Promise.race([waitForPort(port, '127.0.0.1', 60_000), proc.exited]);
    await Promise.race([ensureSearchAttributes(address, opts.namespace), proc.exited]);
  } catch (err) {
    await proc.stop(5_000);
    throw new Error(`The Temporal dev server did not start: ${(err as Error).message}`);
  }
  return { ...proc, address, uiUrl: `http://127.0.0.1:${uiPort}` };
}

/**
 * A Temporal connection, retried until `deadline` (epoch ms): a server reopening an existing store
 * listens before it answers. @throws the last connection error past the deadline.
 */
export async function connectWhenReady(address: string, deadline: number): Promise<Connection> {
  for (;;) {
    try {
      return await Connection.connect({ address, connectTimeout: '5 seconds' });
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

/** --search-attribute only applies when the namespace is created; add missing ones to an existing store. */
export async function ensureSearchAttributes(address: string, namespace: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  const connection = await connectWhenReady(address, deadline);
  try {
    for (;;) {
      try {
        const existing = await connection.operatorService.listSearchAttributes({ namespace });
        const missing = SEARCH_ATTRIBUTES.filter((a) => !(a.name in (existing.customAttributes ?? {})));
        if (missing.length > 0) {
          await connection.operatorService.addSearchAttributes({
            namespace,
            searchAttributes: Object.fromEntries(missing.map((a) => [a.name, a.indexedValueType])),
          });
        }
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    await connection.close();
  }
}
