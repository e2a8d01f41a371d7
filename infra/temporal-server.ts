import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { msToTs } from '@temporalio/common/lib/time';
import pg from 'pg';
import { childEnv } from './config';
import { spawnService, type ManagedProcess } from './child-process';
import { findFreePort, waitForPort } from './ports';
import { connectWhenReady, ensureSearchAttributes } from './temporal-dev-server';

/** Same version in `npm run topology` and docker-compose.yml (scripts/temporal-cli.mjs builds it). */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
/** The config file kept in the repo, shared with docker-compose.yml: `<dir>/jalons.yaml`. */
export const TEMPORAL_CONFIG_DIR = path.resolve(__dirname, 'temporal-server');
/** The SQL schemas embedded in temporal-sql-tool, per database. */
export const TEMPORAL_SCHEMAS = [
  { database: 'temporal', schemaName: 'postgresql/v12/temporal' },
  { database: 'temporal_visibility', schemaName: 'postgresql/v12/visibility' },
] as const;

export function temporalServerBinaries(): { server: string; sqlTool: string } {
  const dir = path.join(os.homedir(), '.cache', 'jalons', 'temporal-server', TEMPORAL_SERVER_VERSION);
  const found = { server: path.join(dir, 'server'), sqlTool: path.join(dir, 'sql') };
  if (!fs.existsSync(found.server) || !fs.existsSync(found.sqlTool)) {
    throw new Error(`The Temporal server ${TEMPORAL_SERVER_VERSION} is not built: run \`node scripts/bootstrap.mjs --temporal-server\` (or \`npm run topology\`, which does).`);
  }
  return found;
}

export interface SqlTarget {
  host: string;
  port: number;
  user: string;
  password: string;
}

/** Parses postgresql://user:password@host:port/db into what temporal-sql-tool and the config want. */
export function sqlTargetFromUrl(url: string): SqlTarget {
  const u = new URL(url);
  return { host: u.hostname, port: Number(u.port || 5432), user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
}

/**
 * Creates the `temporal` and `temporal_visibility` databases and brings both schemas to the
 * latest version the tool embeds (postgres12 plugin), as the official set-up does:
 * create-database, setup-schema -v 0.0 (versioning tables), update-schema. Idempotent: an
 * existing database is kept and only updated, so a restart or a newer tool is safe.
 */
export async function setupTemporalSchemas(sqlTool: string, target: SqlTarget, log: (line: string) => void = () => undefined): Promise<void> {
  const env = {
    SQL_PLUGIN: 'postgres12',
    SQL_HOST: target.host,
    SQL_PORT: String(target.port),
    SQL_USER: target.user,
    SQL_PASSWORD: target.password,
  };
  const run = async (database: string, args: string[]) => {
    try {
      await promisify(execFile)(sqlTool, args, { env: childEnv({ ...env, SQL_DATABASE: database }) });
    } catch (err) {
      const e = err as { stderr?: string; stdout?: string; message: string };
      const detail = `${e.stderr ?? ''}${e.stdout ?? ''}`.trim().split('\n').slice(-3).join(' ') || e.message;
      throw new Error(`temporal-sql-tool ${args.join(' ')} on ${database} failed: ${detail}`);
    }
  };
  for (const { database, schemaName } of TEMPORAL_SCHEMAS) {
    const state = await schemaState(target, database);
    if (state === 'absent') await run(database, ['create-database']);
    if (state !== 'versioned') await run(database, ['setup-schema', '-v', '0.0']);
    await run(database, ['update-schema', '--schema-name', schemaName]);
    log(`schema ${database}: ${state === 'versioned' ? 'up to date' : 'created'} (${schemaName})`);
  }
}

async function schemaState(target: SqlTarget, database: string): Promise<'absent' | 'empty' | 'versioned'> {
  const admin = new pg.Client({ host: target.host, port: target.port, user: target.user, password: target.password, database: 'postgres' });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) return 'absent';
  } finally {
    await admin.end();
  }
  const db = new pg.Client({ host: target.host, port: target.port, user: target.user, password: target.password, database });
  await db.connect();
  try {
    const versioned = await db.query("SELECT 1 FROM information_schema.tables WHERE table_name = 'schema_version'");
    return versioned.rowCount === 0 ? 'empty' : 'versioned';
  } finally {
    await db.end();
  }
}

export interface TemporalServerPorts {
  frontend: number;
  frontendHttp: number;
  history: number;
  matching: number;
  worker: number;
  frontendMembership: number;
  historyMembership: number;
  matchingMembership: number;
  workerMembership: number;
  metrics: number;
}

/**
 * Free loopback ports for the server's nine listeners. Membership ports are stored in a
 * PostgreSQL smallint (cluster_membership.rpc_port), so every port is drawn below 32768,
 * under Linux's ephemeral range where the OS's own picks would land.
 */
export async function pickTemporalServerPorts(preferredFrontend = 0): Promise<TemporalServerPorts> {
  const taken = new Set<number>();
  const low = async (): Promise<number> => {
    for (let i = 0; i < 200; i++) {
      const candidate = 10_000 + Math.floor(Math.random() * 22_000);
      if (taken.has(candidate)) continue;
      if ((await findFreePort(candidate)) === candidate) {
        taken.add(candidate);
        return candidate;
      }
    }
    throw new Error('no free loopback port below 32768 for the Temporal server');
  };
  const frontend = preferredFrontend && (await findFreePort(preferredFrontend)) === preferredFrontend ? preferredFrontend : await low();
  taken.add(frontend);
  const ports: number[] = [];
  for (let i = 0; i < 9; i++) ports.push(await low());
  const [frontendHttp, history, matching, worker, frontendMembership, historyMembership, matchingMembership, workerMembership, metrics] = ports as [number, number, number, number, number, number, number, number, number];
  return { frontend, frontendHttp, history, matching, worker, frontendMembership, historyMembership, matchingMembership, workerMembership, metrics };
}

/** The environment that fills infra/temporal-server/jalons.yaml (the same variables docker-compose.yml sets). */
export function temporalServerEnv(db: SqlTarget, ports: TemporalServerPorts): Record<string, string> {
  return {
    TEMPORAL_DB_HOST: db.host,
    TEMPORAL_DB_PORT: String(db.port),
    TEMPORAL_DB_USER: db.user,
    TEMPORAL_DB_PASSWORD: db.password,
    TEMPORAL_BIND_IP: '127.0.0.1',
    TEMPORAL_BROADCAST_ADDRESS: '127.0.0.1',
    TEMPORAL_FRONTEND_PORT: String(ports.frontend),
    TEMPORAL_FRONTEND_HTTP_PORT: String(ports.frontendHttp),
    TEMPORAL_HISTORY_PORT: String(ports.history),
    TEMPORAL_MATCHING_PORT: String(ports.matching),
    TEMPORAL_WORKER_PORT: String(ports.worker),
    TEMPORAL_FRONTEND_MEMBERSHIP_PORT: String(ports.frontendMembership),
    TEMPORAL_HISTORY_MEMBERSHIP_PORT: String(ports.historyMembership),
    TEMPORAL_MATCHING_MEMBERSHIP_PORT: String(ports.matchingMembership),
    TEMPORAL_WORKER_MEMBERSHIP_PORT: String(ports.workerMembership),
    TEMPORAL_METRICS_PORT: String(ports.metrics),
    TEMPORAL_DYNAMIC_CONFIG: path.join(TEMPORAL_CONFIG_DIR, 'dynamic-config.yaml'),
  };
}

export interface TemporalServer extends ManagedProcess {
  address: string;
  ports: TemporalServerPorts;
}

/**
 * temporal-server (all four services in one process) on loopback, configured by
 * infra/temporal-server/jalons.yaml; a child of this process (spawnService: pid file and
 * parent-death signal). Resolves once the frontend answers and `namespace` exists with the
 * Jalons search attributes.
 */
export async function startTemporalServer(opts: { server: string; db: SqlTarget; ports: TemporalServerPorts; dataDir: string; namespace: string; logFile: string }): Promise<TemporalServer> {
  const env = temporalServerEnv(opts.db, opts.ports);
  const proc = spawnService(
    'temporal-server',
    opts.server,
    ['--root', '/', '--config', TEMPORAL_CONFIG_DIR.slice(1), '--env', 'jalons', '--allow-no-auth', 'start'],
    opts.logFile,
    { runDir: path.join(opts.dataDir, 'run'), env: childEnv(env) },
  );
  const address = `127.0.0.1:${opts.ports.frontend}`;
  try {
    await Promise.race([waitForPort(opts.ports.frontend, '127.0.0.1', 120_000), proc.exited]);
    await Promise.race([ensureNamespace(address, opts.namespace), proc.exited]);
    await Promise.race([ensureSearchAttributes(address, opts.namespace), proc.exited]);
  } catch (err) {
    await proc.stop(10_000);
    throw new Error(`The Temporal server did not start: ${(err as Error).message}`);
  }
  return { ...proc, address, ports: opts.ports };
}

/** Registers the namespace (7 days of retention for closed programmes) unless it exists. */
export async function ensureNamespace(address: string, namespace: string, retentionDays = 7): Promise<void> {
  const deadline = Date.now() + 120_000;
  const connection = await connectWhenReady(address, deadline);
  try {
    for (;;) {
      try {
        await connection.workflowService.describeNamespace({ namespace });
        // A namespace just registered reaches the services' caches within seconds: wait for it.
        await connection.workflowService.countWorkflowExecutions({ namespace, query: '' });
        return;
      } catch (err) {
        const code = (err as { code?: number }).code;
        // 5 = NOT_FOUND: register it; anything else is the server still starting.
        if (code === 5) {
          try {
            await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs(`${retentionDays} days`) });
          } catch (e) {
            if ((e as { code?: number }).code !== 6) throw e; // 6 = ALREADY_EXISTS (a concurrent start)
          }
          continue;
        }
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  } finally {
    await connection.close();
  }
}
