/**
 * The bench's own world: embedded services in a temporary data directory (nothing persisted),
 * migrated and seeded, then the API, the programme worker and the notifier each in a process of
 * its own (as deployed), and in this process the measuring client and a worker for the minimal
 * baseline workflows. With BENCH_TEMPORAL=topology, `npm run topology`'s shape instead
 * (infra/topology.ts): 2 API processes behind the balancer, 2 workers, 2 notifiers on the real
 * Temporal server; the measuring client and the minimal worker stay in this process.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { Pool } from 'pg';
import { loadConfig, type Config } from '../infra/config';
import { applyMigrations } from '../infra/migrate';
import { createPrisma, type PrismaClient } from '../infra/prisma';
import { findFreePort } from '../infra/ports';
import { createNotificationQueue, seedTemplates } from '../infra/runtime';
import { startServices, type RunningServices, type ServiceEndpoints } from '../infra/services';
import { hashPassword } from '../server/auth';
import { BUILT_IN_TEMPLATES } from '../templates';
import { api, expectOk, waitUntil, type ApiCaller } from './support';
import type { MinimalActivities } from './minimal-workflows';
import { killTree } from '../infra/process-tree';
import { startEmbeddedPostgres } from '../infra/embedded-postgres';
import { describeTopology, startTopology } from '../infra/topology';
import { pickTemporalServerPorts, setupTemporalSchemas, sqlTargetFromUrl, startTemporalServer, temporalServerBinaries, TEMPORAL_SERVER_VERSION } from '../infra/temporal-server';
import { spawnApi, spawnNotifier, spawnWorker, type BenchServices } from './worker-process';

export interface BenchUser {
  id: string;
  email: string;
  token: string;
  organisationId?: string;
}

/**
 * Where the application runs (BENCH_TEMPORAL): `dev-server` (default) the Temporal CLI's dev server
 * in memory; `server` the real Temporal server v1.29.1 on a PostgreSQL of its own; `topology`
 * `npm run topology`'s whole shape. The last two need `node scripts/bootstrap.mjs --temporal-server`.
 */
export type BenchTemporal = 'dev-server' | 'server' | 'topology';

/** Processes of each role in the topology, as `npm run topology` starts it by default. */
const TOPOLOGY_REPLICAS = 2;

export interface BenchEnv {
  temporal: BenchTemporal;
  config: Config;
  dataDir: string;
  endpoints: ServiceEndpoints;
  apiUrl: string;
  http: ApiCaller;
  prisma: PrismaClient;
  pg: Pool;
  client: Client;
  taskQueue: string;
  minimalQueue: string;
  minimalBundle: WorkflowBundle;
  /** (planned, actual) instants recorded by the minimal `woke` activity. */
  wakes: { plannedAt: number; at: number }[];
  createOrganisation(id: string, name?: string): Promise<string>;
  createUser(role: 'admin' | 'coordinator' | 'manager' | 'partner', organisationId?: string): Promise<BenchUser>;
  /** Stops the programme worker process (metric 7 replaces it with two); refused on the topology, which has two already. */
  stopProgrammeWorker(): Promise<void>;
  stop(): Promise<void>;
}

const PASSWORD = `bench-${randomUUID()}`;

function readBenchTemporal(): BenchTemporal {
  const value = process.env.BENCH_TEMPORAL || 'dev-server';
  if (value === 'dev-server' || value === 'server' || value === 'topology') return value;
  throw new Error(`BENCH_TEMPORAL=${value}: expected dev-server (default), server or topology`);
}

async function startRealTemporal(dataDir: string, namespace: string): Promise<{ address: string; stop(): Promise<void> }> {
  const { server, sqlTool } = temporalServerBinaries();
  const db = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'temporal-db') });
  try {
    const target = sqlTargetFromUrl(db.url);
    await setupTemporalSchemas(sqlTool, target);
    const ports = await pickTemporalServerPorts(0);
    const temporal = await startTemporalServer({ server, db: target, ports, dataDir, namespace, logFile: path.join(dataDir, 'temporal-server.log') });
    return {
      address: temporal.address,
      async stop() {
        await temporal.stop(20_000);
        await db.stop();
      },
    };
  } catch (err) {
    await db.stop();
    throw err;
  }
}

/** Resolves once `count` notifier processes consume the notification queue. */
async function waitForNotifiers(redisUrl: string, count: number): Promise<void> {
  const queue = createNotificationQueue(redisUrl);
  try {
    await waitUntil(`${count} notifier processes consuming`, async () => (await queue.getWorkersCount()) >= count, 120_000, 250);
  } finally {
    await queue.close();
  }
}

const quietBundleLogger = { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} } as never;

export async function startBenchEnv(say: (line: string) => void): Promise<BenchEnv> {
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    /* installed already */
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jalons-bench-'));
  // mkdtemp makes it 0700; as root, PostgreSQL runs as `postgres` and must be able to reach its data under it.
  fs.chmodSync(dataDir, 0o755);
  const temporal = readBenchTemporal();
  const taskQueue = `bench-${randomUUID()}`;
  const minimalQueue = `bench-minimal-${randomUUID()}`;
  // Embedded defaults only: external URLs from the caller's environment are ignored on purpose.
  const config: Config = {
    ...loadConfig({ ...process.env, DATA_DIR: dataDir, TEMPORAL_ADDRESS: '', DATABASE_URL: '', REDIS_URL: '', SMTP_URL: '', LOG_LEVEL: 'silent', PORT: '0' }),
    TEMPORAL_TASK_QUEUE: taskQueue,
  };
  const stops: (() => Promise<unknown>)[] = [];
  const stopAll = async () => {
    for (const s of stops.reverse()) await s().catch((err) => say(`  stop failed: ${String(err)}`));
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const t0 = Date.now();
    let endpoints: ServiceEndpoints;
    let topologyApiUrl: string | undefined;
    if (temporal === 'topology') {
      // `npm run topology`'s own start (infra/topology.ts: its stores, the Temporal server, migrations,
      // seeds, role processes and balancer) on the bench's temporary directory and task queue, with
      // its default NODE_ENV (development), as the bench's single processes run.
      const topology = await startTopology({ dataDir, config, taskQueue, replicas: TOPOLOGY_REPLICAS, log: (l) => say(`  ${l}`) });
      stops.push(() => topology.stop());
      await topology.waitReady();
      endpoints = { ...topology.endpoints, MAIL_DIR: topology.mailDir };
      // The topology cannot tell from outside whether a notifier consumes; BullMQ can.
      await waitForNotifiers(endpoints.REDIS_URL, TOPOLOGY_REPLICAS);
      topologyApiUrl = topology.apiUrl;
      config.TEMPORAL_ADDRESS = endpoints.TEMPORAL_ADDRESS;
      say(`  topology (Temporal server ${TEMPORAL_SERVER_VERSION}, ${TOPOLOGY_REPLICAS} × api, worker, notifier) up in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      for (const line of describeTopology(topology)) say(`    ${line}`);
    } else {
      // BENCH_TEMPORAL=server: the real Temporal server v1.29.1 on a PostgreSQL of its own, as
      // `npm run topology` runs it, instead of the CLI's dev server (docs/performance.md).
      if (temporal === 'server') {
        const real = await startRealTemporal(dataDir, config.TEMPORAL_NAMESPACE);
        stops.push(real.stop);
        config.TEMPORAL_ADDRESS = real.address;
        say(`  Temporal server ${TEMPORAL_SERVER_VERSION} on PostgreSQL at ${real.address}`);
      }
      const services: RunningServices = await startServices(config, { persistent: false });
      stops.push(services.stop);
      endpoints = services.endpoints;
      await applyMigrations(endpoints.DATABASE_URL);
    }
    const prisma = createPrisma(endpoints.DATABASE_URL);
    stops.push(() => prisma.$disconnect());
    // startTopology seeded them already.
    if (temporal !== 'topology') {
      await seedTemplates(prisma, BUILT_IN_TEMPLATES);
      say(`  services up in ${((Date.now() - t0) / 1000).toFixed(1)} s (data in ${dataDir})`);
    }

    const t1 = Date.now();
    const minimalBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('./minimal-workflows'), logger: quietBundleLogger });
    say(`  minimal workflow bundle in ${((Date.now() - t1) / 1000).toFixed(1)} s`);

    const connection = await Connection.connect({ address: endpoints.TEMPORAL_ADDRESS });
    stops.push(() => connection.close());
    const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
    let apiUrl: string;
    let stopProgrammeWorker: () => Promise<void>;
    if (topologyApiUrl) {
      apiUrl = topologyApiUrl;
      stopProgrammeWorker = () => Promise.reject(new Error('BENCH_TEMPORAL=topology runs two worker processes already: scale-out (metric 7) does not apply to it'));
    } else {
      // The application as docker-compose.yml deploys it: API, programme worker and notifier each in
      // an OS process of its own, so that none of them (nor this process, the measuring client and the
      // minimal baselines' worker) waits behind another's event loop.
      const t2 = Date.now();
      const spawned: BenchServices = { endpoints, client, config, dataDir };
      const worker = await spawnWorker(spawned, ['scripts/start.ts', '--role=worker'], taskQueue, path.join(dataDir, 'worker.log'));
      let workerStopped: Promise<void> | undefined;
      stopProgrammeWorker = () => (workerStopped ??= killTree(worker));
      stops.push(stopProgrammeWorker);
      const apiRole = await spawnApi(spawned, await findFreePort(0), path.join(dataDir, 'api.log'));
      stops.push(() => killTree(apiRole.child));
      const notifier = await spawnNotifier(spawned, apiRole.url, path.join(dataDir, 'notifier.log'));
      stops.push(() => killTree(notifier));
      apiUrl = apiRole.url;
      say(`  API, worker and notifier processes ready in ${((Date.now() - t2) / 1000).toFixed(1)} s`);
    }

    const wakes: BenchEnv['wakes'] = [];
    const activities: MinimalActivities = {
      async woke(plannedAt) {
        wakes.push({ plannedAt, at: Date.now() });
      },
      async noop() {},
    };
    const minimalConnection = await NativeConnection.connect({ address: endpoints.TEMPORAL_ADDRESS });
    const minimalWorker = await Worker.create({ connection: minimalConnection, namespace: config.TEMPORAL_NAMESPACE, taskQueue: minimalQueue, workflowBundle: minimalBundle, activities, workflowThreadPoolSize: config.TEMPORAL_WORKFLOW_THREADS });
    const minimalRun = minimalWorker.run();
    stops.push(async () => {
      if (minimalWorker.getState() === 'RUNNING') minimalWorker.shutdown();
      await minimalRun.catch(() => undefined);
      await minimalConnection.close();
    });

    const pg = new Pool({ connectionString: endpoints.DATABASE_URL, max: 4 });
    stops.push(() => pg.end());
    // On the topology: the balancer, so that calls alternate between the two API processes.
    const http = api(apiUrl);
    const passwordHash = await hashPassword(PASSWORD);

    return {
      temporal,
      config,
      dataDir,
      endpoints,
      apiUrl,
      http,
      prisma,
      pg,
      client,
      taskQueue,
      minimalQueue,
      minimalBundle,
      wakes,
      async createOrganisation(id, name) {
        await prisma.organisation.upsert({ where: { id }, create: { id, name: name ?? `Bench ${id}`, kind: 'training-organisation' }, update: {} });
        return id;
      },
      async createUser(role, organisationId) {
        const id = `usr_bench_${randomUUID()}`;
        const email = `${role}-${id.slice(10, 18)}@bench.jalons`;
        await prisma.user.create({ data: { id, email, name: `${role} ${id.slice(10, 14)}`, role, organisationId: organisationId ?? null, passwordHash } });
        const login = await expectOk(http.call<{ token: string }>('POST', '/api/v1/auth/login', undefined, { email, password: PASSWORD }), 'login');
        return { id, email, token: login.token, organisationId };
      },
      stopProgrammeWorker,
      stop: stopAll,
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
