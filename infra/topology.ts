import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { startSmtpCatcher, type SmtpCatcher } from '../notifier/smtp-catcher';
import { BUILT_IN_TEMPLATES } from '../templates';
import { startBalancer, type Balancer } from './balancer';
import { spawnService, type ManagedProcess } from './child-process';
import { startEmbeddedPostgres, type EmbeddedPostgresServer } from './embedded-postgres';
import { applyMigrations } from './migrate';
import { findFreePort } from './ports';
import { createPrisma } from './prisma';
import { descendants } from './process-tree';
import { startRedisServer, type RedisServer } from './redis-server';
import { seedAdmin, seedTemplates } from './runtime';
import { childEnv, type Config } from './config';
import {
  pickTemporalServerPorts,
  setupTemporalSchemas,
  sqlTargetFromUrl,
  startTemporalServer,
  temporalServerBinaries,
  type TemporalServer,
  type TemporalServerPorts,
} from './temporal-server';

const root = path.resolve(__dirname, '..');

export type Role = 'api' | 'worker' | 'notifier';
export const ROLES: Role[] = ['api', 'worker', 'notifier'];

export interface TopologyEvent {
  at: string;
  what: string;
}

export interface RoleProcess {
  role: Role;
  index: number;
  name: string;
  /** Loopback URL for an API process. */
  url?: string;
  current(): ManagedProcess | undefined;
  /** Top process and its tsx child: what a worker reports as its poller identity. */
  pids(): number[];
}

export interface Topology {
  dataDir: string;
  /** The balancer in front of the API processes: what users and the load script call. */
  apiUrl: string;
  endpoints: { TEMPORAL_ADDRESS: string; DATABASE_URL: string; REDIS_URL: string; SMTP_URL: string; TEMPORAL_DATABASE_URL: string };
  /** Where the SMTP catcher writes the e-mails (`index.jsonl` and one `.eml` each): what the bench's fan-out metric reads. */
  mailDir: string;
  namespace: string;
  taskQueue: string;
  processes: RoleProcess[];
  balancer: Balancer;
  smtp: SmtpCatcher;
  events: TopologyEvent[];
  /** SIGKILL to the role process and its children, as a crash would; the supervisor restarts it. */
  kill(name: string): Promise<void>;
  /** Graceful stop (SIGTERM) then a new process with `extraEnv`: one step of a rolling deploy; resolves once the new one is ready. */
  replace(name: string, extraEnv?: Record<string, string>): Promise<void>;
  /** Stops the Temporal server (SIGTERM), waits `downMs`, starts it again on the same ports and store. */
  restartTemporal(downMs: number): Promise<void>;
  /** Resolves once every role process is up (API answering /healthz 200, worker polling). */
  waitReady(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface TopologyOptions {
  dataDir: string;
  replicas?: number;
  namespace?: string;
  taskQueue?: string;
  /** Port of the balancer (0: any free one). */
  port?: number;
  log?: (line: string) => void;
  config: Config;
  /**
   * NODE_ENV of the role processes. The drill uses `test`: the notifier's per-domain rate limit
   * (30 e-mails a minute, notifier/rate-limit.ts) would otherwise spread the load's thousands of
   * e-mails to one made-up domain over hours, and the drill checks that each one went out once.
   */
  nodeEnv?: 'development' | 'production' | 'test';
}

/**
 * The production shape on one machine, on loopback: the real Temporal server (v1.29.1, all
 * services in one process) on a PostgreSQL cluster of its own, the application's PostgreSQL,
 * Redis (AOF on) and an SMTP catcher, then `replicas` processes of each role
 * (`tsx scripts/start.ts --role=…`), the API processes behind a round-robin balancer. Each
 * process is a spawnService child (pid file, parent-death signal), so nothing outlives this
 * process, even when it is killed; a role process that dies is restarted after a second, as a
 * process supervisor (systemd, Compose `restart:`) would.
 */
export async function startTopology(opts: TopologyOptions): Promise<Topology> {
  const log = opts.log ?? (() => undefined);
  const replicas = opts.replicas ?? 2;
  const namespace = opts.namespace ?? opts.config.TEMPORAL_NAMESPACE;
  const taskQueue = opts.taskQueue ?? opts.config.TEMPORAL_TASK_QUEUE;
  const dataDir = path.resolve(opts.dataDir);
  const runDir = path.join(dataDir, 'run');
  const logDir = path.join(dataDir, 'logs');
  const mailDir = path.join(dataDir, 'mail');
  fs.mkdirSync(logDir, { recursive: true });
  const events: TopologyEvent[] = [];
  const note = (what: string) => {
    events.push({ at: new Date().toISOString(), what });
    log(what);
  };
  const stops: (() => Promise<void>)[] = [];
  let stopping = false;
  const stopAll = async () => {
    stopping = true;
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };

  try {
    const { server, sqlTool } = temporalServerBinaries();
    // Three stores in parallel: Temporal's PostgreSQL, the application's PostgreSQL, Redis.
    // allSettled, not all: when one fails, the others must have started before they are stopped.
    const track = <T extends { stop(): Promise<void> }>(p: Promise<T>): Promise<T> => p.then((x) => (stops.push(() => x.stop()), x));
    const settled = await Promise.allSettled([
      track(startEmbeddedPostgres({ dataDir: path.join(dataDir, 'temporal-db') })),
      track(startEmbeddedPostgres({ dataDir: path.join(dataDir, 'app-db') })),
      track(startRedisServer({ dataDir, persistent: true })),
      track(startSmtpCatcher({ dir: mailDir, port: 0 })),
    ] as const);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const [temporalDb, appDb, redis, smtp] = settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [EmbeddedPostgresServer, EmbeddedPostgresServer, RedisServer, SmtpCatcher];
    log(`postgresql (temporal) ${redacted(temporalDb.url)}`);
    log(`postgresql (jalons)   ${redacted(appDb.url)}`);
    log(`redis                 ${redis.url}`);

    const db = sqlTargetFromUrl(temporalDb.url);
    await setupTemporalSchemas(sqlTool, db, (l) => log(l));
    const ports: TemporalServerPorts = await pickTemporalServerPorts(0);
    const temporalLog = path.join(logDir, 'temporal-server.log');
    let temporal: TemporalServer | undefined = await startTemporalServer({ server, db, ports, dataDir, namespace, logFile: temporalLog });
    stops.push(async () => {
      await temporal?.stop(20_000);
    });
    log(`temporal server       ${temporal.address} (namespace ${namespace}, config infra/temporal-server/jalons.yaml)`);

    const migrated = await applyMigrations(appDb.url);
    if (migrated.applied.length) log(`migrations applied: ${migrated.applied.join(', ')}`);
    const prisma = createPrisma(appDb.url);
    try {
      await seedTemplates(prisma, BUILT_IN_TEMPLATES);
      const admin = await seedAdmin(prisma, opts.config);
      if (admin?.oneTimePassword) log(`first admin ${admin.email}, one-time password (shown once): ${admin.oneTimePassword}`);
    } finally {
      await prisma.$disconnect();
    }

    const endpoints = { TEMPORAL_ADDRESS: temporal.address, DATABASE_URL: appDb.url, REDIS_URL: redis.url, SMTP_URL: smtp.url, TEMPORAL_DATABASE_URL: temporalDb.url };
    const balancerPort = await findFreePort(opts.port ?? 0);
    const appUrl = `http://127.0.0.1:${balancerPort}`;
    const baseEnv = (port?: number): Record<string, string> => ({
      NODE_ENV: opts.nodeEnv ?? 'development',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      // Shared by every role: uploads live under DATA_DIR/uploads (a shared volume in production).
      DATA_DIR: path.join(dataDir, 'app'),
      TEMPORAL_ADDRESS: endpoints.TEMPORAL_ADDRESS,
      TEMPORAL_NAMESPACE: namespace,
      TEMPORAL_TASK_QUEUE: taskQueue,
      DATABASE_URL: endpoints.DATABASE_URL,
      REDIS_URL: endpoints.REDIS_URL,
      SMTP_URL: endpoints.SMTP_URL,
      APP_URL: appUrl,
      BACKUP_INTERVAL_HOURS: '0',
      ...(port ? { PORT: String(port), HOST: '127.0.0.1' } : {}),
    });

    const processes: (RoleProcess & { start(extraEnv?: Record<string, string>): Promise<void>; stopNow(): Promise<void> })[] = [];
    const temporalConnection = await Connection.connect({ address: temporal.address });
    stops.push(() => temporalConnection.close());
    const client = new Client({ connection: temporalConnection, namespace });

    for (const role of ROLES) {
      for (let index = 1; index <= replicas; index++) {
        const name = `${role}-${index}`;
        const port = role === 'api' ? await findFreePort(0) : undefined;
        let proc: ManagedProcess | undefined;
        let env: Record<string, string> = {};
        let intentional = false;
        const start = async (extraEnv: Record<string, string> = env): Promise<void> => {
          env = extraEnv;
          intentional = false;
          proc = spawnService(name, path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/start.ts', `--role=${role}`], path.join(logDir, `${name}.log`), {
            runDir,
            env: childEnv({ ...baseEnv(port), ...extraEnv }),
          });
          const mine = proc;
          mine.exited.catch((err: Error) => {
            if (stopping || intentional || proc !== mine) return;
            note(`${name} exited (${err.message.split(';')[0]}); restarting it in 1 s`);
            setTimeout(() => {
              if (!stopping && proc === mine) void start().catch((e) => note(`${name} could not be restarted: ${(e as Error).message}`));
            }, 1_000);
          });
        };
        const rp = {
          role,
          index,
          name,
          url: port ? `http://127.0.0.1:${port}` : undefined,
          current: () => proc,
          pids: () => (proc?.child.pid ? [proc.child.pid, ...descendants(proc.child.pid)] : []),
          start,
          async stopNow() {
            intentional = true;
            await proc?.stop(25_000);
          },
        };
        processes.push(rp);
      }
    }
    // Role processes stop together (each with its own grace), before the services they use.
    stops.push(async () => {
      await Promise.all(processes.map((p) => p.stopNow()));
    });

    const balancer = await startBalancer(() => processes.filter((p) => p.role === 'api').map((p) => p.url!), { port: balancerPort });
    stops.push(() => balancer.close());
    await Promise.all(processes.map((p) => p.start()));

    const isReady = async (p: RoleProcess): Promise<boolean> => {
      if (!p.current() || p.current()!.child.exitCode !== null) return false;
      if (p.role === 'api') return fetch(`${p.url}/healthz`, { signal: AbortSignal.timeout(3_000) }).then((r) => r.status === 200, () => false);
      if (p.role === 'worker') {
        const pids = p.pids();
        const pollers = await client.workflowService.describeTaskQueue({ namespace, taskQueue: { name: taskQueue }, taskQueueType: 1 }).catch(() => ({ pollers: [] }));
        return (pollers.pollers ?? []).some((q) => pids.some((pid) => q.identity?.startsWith(`${pid}@`)));
      }
      // The notifier has no port: alive after its start-up is all we can see from outside.
      return true;
    };
    const waitFor = async (ps: RoleProcess[], timeoutMs: number) => {
      const deadline = Date.now() + timeoutMs;
      for (const p of ps) {
        while (!(await isReady(p))) {
          if (Date.now() > deadline) throw new Error(`${p.name} not ready after ${timeoutMs / 1000} s (log: ${path.join(logDir, `${p.name}.log`)})`);
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    };

    const topology: Topology = {
      dataDir,
      apiUrl: balancer.url,
      endpoints,
      mailDir,
      namespace,
      taskQueue,
      processes,
      balancer,
      smtp,
      events,
      waitReady: (timeoutMs = 180_000) => waitFor(processes, timeoutMs),
      async kill(name) {
        const p = processes.find((x) => x.name === name);
        if (!p) throw new Error(`no process ${name}`);
        note(`kill -9 ${name}`);
        p.current()?.kill();
        await p.current()?.exited.catch(() => undefined);
      },
      async replace(name, extraEnv) {
        const p = processes.find((x) => x.name === name);
        if (!p) throw new Error(`no process ${name}`);
        note(`rolling: stopping ${name} (SIGTERM)`);
        await p.stopNow();
        await p.start(extraEnv);
        await waitFor([p], 180_000);
        note(`rolling: ${name} replaced and ready`);
      },
      async restartTemporal(downMs) {
        note('temporal server: stopping (SIGTERM)');
        await temporal?.stop(30_000);
        temporal = undefined;
        await new Promise((r) => setTimeout(r, downMs));
        note('temporal server: starting again');
        temporal = await startTemporalServer({ server, db, ports, dataDir, namespace, logFile: temporalLog });
        note('temporal server: serving again');
      },
      stop: stopAll,
    };
    return topology;
  } catch (err) {
    await stopAll();
    throw err;
  }
}

function redacted(url: string): string {
  return url.replace(/:[^:@/]+@/, ':***@');
}

/** The processes a running topology is made of, for a status line. */
export function describeTopology(t: Topology): string[] {
  return [
    `balancer   ${t.apiUrl} → ${t.processes.filter((p) => p.role === 'api').map((p) => p.url).join(', ')}`,
    `temporal   ${t.endpoints.TEMPORAL_ADDRESS} (namespace ${t.namespace}, task queue ${t.taskQueue})`,
    `roles      ${t.processes.map((p) => `${p.name} (pid ${p.current()?.child.pid ?? '-'})`).join(', ')}`,
    `logs       ${path.join(t.dataDir, 'logs')}`,
    `e-mails    ${t.mailDir}`,
  ];
}

