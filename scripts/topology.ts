/**
 * `npm run topology [-- --port=8080 --replicas=2]`
 *
 * The production shape, run for real on loopback: the Temporal server v1.29.1 on a PostgreSQL
 * cluster of its own (schemas set up by temporal-sql-tool, config infra/temporal-server/jalons.yaml,
 * namespace and search attributes registered), the application's PostgreSQL, Redis (AOF),
 * an SMTP catcher, then two API processes behind a round-robin balancer, two Temporal workers
 * and two notifiers (`tsx scripts/start.ts --role=…`). Ctrl-C stops everything; so does the
 * death of this process (every child has a parent-death signal and a pid file).
 * Data under DATA_DIR/topology (default data/topology), kept between runs.
 *
 * `npm run topology -- --drill=short|long [--out=FILE] [--rolling-deploy-at=S]` runs a fault drill on a fresh topology
 * (data/topology-drill-<time>) with the load script (scripts/load.ts --target) and stops:
 *   short (in `npm test`): 12 partners for about 45 s; kill -9 of one API, one worker, one notifier;
 *   long: 200 partners for 5 minutes; the same kills at random moments, one Temporal server
 *   restart (10 s away), then a rolling deploy of a changed workflow while the load runs: the
 *   workers replaced one by one by workers of a new build (WORKFLOW_DRILL_PATCH=rolling-deploy,
 *   workflows/drill-rolling-deploy.ts: a behaviour guarded by `patched()`).
 * Pass: no 5xx other than 503 (documented: the balancer's and the API's answer while a process
 * or Temporal is away), nothing lost or applied twice, the read model (programme row and audit
 * journal) equals every programme workflow's state, every programme replays against the workflow
 * code the workers run at the end (the new build after a deploy), the new build took over running
 * programmes, every notification sent once.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { ProgrammeState } from '../domain/programme-state';
import { loadConfig } from '../infra/config';
import { createPrisma, type PrismaClient } from '../infra/prisma';
import { WORKFLOW_INTERCEPTOR_MODULES } from '../infra/runtime';
import { describeTopology, startTopology, type Role, type Topology } from '../infra/topology';
import { DRILL_MEMO_KEY, DRILL_PATCH_ID } from '../workflows/drill-rolling-deploy';
import { programmeStateQuery } from '../workflows/programme';

const root = path.resolve(__dirname, '..');
const say = (line: string) => process.stdout.write(`${line}\n`);

function argument(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

interface DrillPlan {
  partners: number;
  managers: number;
  durationS: number;
  think: string;
  /** Seconds into the traffic window between which the kills happen (one per role, random moments). */
  killWindowS: [number, number];
  temporalRestartAtS?: number;
  temporalDownMs?: number;
  /** Seconds into the traffic window at which the workers are replaced, one by one, by the patched build. */
  rollingDeployAtS?: number;
}

const PLANS: Record<'short' | 'long', DrillPlan> = {
  short: { partners: 12, managers: 2, durationS: 45, think: '1000-4000', killWindowS: [5, 25] },
  long: { partners: 200, managers: 5, durationS: 300, think: '5000-25000', killWindowS: [20, 130], temporalRestartAtS: 150, temporalDownMs: 10_000, rollingDeployAtS: 200 },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The environment of the workers of the rolling deploy's new build (infra/config.ts). */
const NEW_BUILD_ENV = { WORKFLOW_DRILL_PATCH: 'rolling-deploy' };

interface ReadModelCheck {
  programmes: number;
  /** Programme rows whose state differs from the workflow's (after a minute's wait), or missing. */
  different: string[];
  /** Audit journals that are not exactly the workflow's events so far (seq 1…eventSeq, none beyond). */
  journalDifferent: string[];
}

/**
 * The read model equals every programme workflow (the load script checks its own partners'
 * programmes; this covers every programme in visibility, children included, and the audit
 * journal): the stored state, apart from the not-yet-projected audit buffer, is the Query's.
 */
async function checkReadModel(client: Client, prisma: PrismaClient): Promise<ReadModelCheck> {
  const ids: string[] = [];
  for await (const w of client.workflow.list({ query: "WorkflowType = 'programmeWorkflow'" })) if (!ids.includes(w.workflowId)) ids.push(w.workflowId);
  const result: ReadModelCheck = { programmes: ids.length, different: [], journalDifferent: [] };
  const deadline = Date.now() + 60_000;
  for (const id of ids) {
    for (;;) {
      const fresh = await client.workflow.getHandle(id).query(programmeStateQuery);
      const row = await prisma.programme.findUnique({ where: { id }, select: { state: true } });
      const stored = row?.state as unknown as ProgrammeState | undefined;
      const events = await prisma.programmeEvent.findMany({ where: { programmeId: id }, select: { seq: true }, orderBy: { seq: 'asc' } });
      const pending = new Set(fresh.pendingEvents.map((e) => e.seq));
      const expectedSeqs = Array.from({ length: fresh.eventSeq }, (_, i) => i + 1).filter((seq) => !pending.has(seq));
      const stateEqual = stored !== undefined && isDeepStrictEqual({ ...stored, pendingEvents: [] }, { ...fresh, pendingEvents: [] });
      const journalEqual = isDeepStrictEqual(events.map((e) => e.seq), expectedSeqs);
      if (stateEqual && journalEqual) break;
      if (Date.now() > deadline) {
        if (!stateEqual) result.different.push(`${id}: stored version ${stored?.version ?? 'none'}, workflow version ${fresh.version}`);
        if (!journalEqual) result.journalDifferent.push(`${id}: ${events.length} journal rows for ${expectedSeqs.length} projected events (last seq ${events.at(-1)?.seq ?? 0}, workflow ${fresh.eventSeq})`);
        break;
      }
      await sleep(500);
    }
  }
  return result;
}

async function runDrill(t: Topology, kind: 'short' | 'long', outFile: string): Promise<boolean> {
  // `--rolling-deploy-at=S` adds (or moves) the rolling deploy: the short drill has none by default.
  const deployAt = argument('rolling-deploy-at');
  const plan: DrillPlan = { ...PLANS[kind], ...(deployAt ? { rollingDeployAtS: Number(deployAt) } : {}) };
  const target = path.join(t.dataDir, 'target.json');
  fs.writeFileSync(target, JSON.stringify({ apiUrl: t.apiUrl, TEMPORAL_ADDRESS: t.endpoints.TEMPORAL_ADDRESS, DATABASE_URL: t.endpoints.DATABASE_URL, TEMPORAL_NAMESPACE: t.namespace }));
  const loadOut = path.join(t.dataDir, 'load-report.json');
  const loadLog = path.join(t.dataDir, 'logs', 'load.log');
  const fd = fs.openSync(loadLog, 'a');
  const load = spawn(
    path.join(root, 'node_modules', '.bin', 'tsx'),
    ['scripts/load.ts', `--target=${target}`, '--allow-503', `--duration=${plan.durationS}`, `--partners=${plan.partners}`, `--managers=${plan.managers}`, `--think=${plan.think}`, `--out=${loadOut}`],
    { cwd: root, stdio: ['ignore', fd, fd] },
  );
  fs.closeSync(fd);
  const loadExit = new Promise<number | null>((resolve) => load.once('exit', (c) => resolve(c)));
  const stopLoad = () => load.exitCode === null && load.kill('SIGINT');
  process.once('exit', stopLoad);

  // The traffic window opens once the load script has seeded its programmes.
  say(`drill ${kind}: load script seeding ${plan.partners} programmes…`);
  while (!fs.readFileSync(loadLog, 'utf8').includes('  seeded ')) {
    if (load.exitCode !== null) throw new Error(`the load script exited before its traffic started:\n${fs.readFileSync(loadLog, 'utf8').slice(-3000)}`);
    await sleep(250);
  }
  const trafficStart = Date.now();
  say(`drill ${kind}: traffic started`);
  const at = (s: number) => sleep(Math.max(0, trafficStart + s * 1000 - Date.now()));

  // One kill -9 of each role, at random moments within the window, in random order.
  const [from, to] = plan.killWindowS;
  const kills = (['api', 'worker', 'notifier'] as Role[]).map((role) => ({ role, atS: from + Math.random() * (to - from), name: `${role}-${1 + Math.floor(Math.random() * 2)}` })).sort((a, b) => a.atS - b.atS);
  const actions: Promise<void>[] = [];
  actions.push(
    (async () => {
      for (const k of kills) {
        await at(k.atS);
        await t.kill(k.name);
      }
    })(),
  );
  if (plan.temporalRestartAtS !== undefined) {
    actions.push(
      (async () => {
        await at(plan.temporalRestartAtS!);
        await t.restartTemporal(plan.temporalDownMs ?? 10_000);
      })(),
    );
  }
  if (plan.rollingDeployAtS !== undefined) {
    actions.push(
      (async () => {
        await at(plan.rollingDeployAtS!);
        // Worker by worker, each replaced by one of the new build (a patched workflow behaviour): the
        // other one keeps polling, so no task waits for a worker, and for a while both builds serve
        // the same programmes. A worker restarted later (a kill) keeps the new build.
        for (const w of t.processes.filter((p) => p.role === 'worker')) await t.replace(w.name, NEW_BUILD_ENV);
      })(),
    );
  }
  await Promise.all(actions);
  const code = await loadExit;
  process.removeListener('exit', stopLoad);
  if (!fs.existsSync(loadOut)) throw new Error(`the load script wrote no report (exit ${code}):\n${fs.readFileSync(loadLog, 'utf8').slice(-3000)}`);
  const report = JSON.parse(fs.readFileSync(loadOut, 'utf8'));

  // Every programme replays against the workflow code the workers run now (after a rolling
  // deploy: the new build, histories made by both builds); the new build took over running programmes.
  const deployed = plan.rollingDeployAtS !== undefined;
  const connection = await Connection.connect({ address: t.endpoints.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: t.namespace });
  const prisma = createPrisma(t.endpoints.DATABASE_URL);
  const replay = {
    programmes: 0,
    failures: [] as string[],
    build: deployed ? `patched (${DRILL_PATCH_ID})` : 'current',
    takenOverByNewBuild: 0,
    /** Workflow task failures in the histories, by cause (a new build's history on an old worker is a non-determinism failure, retried). */
    workflowTaskFailures: {} as Record<string, number>,
    workflowTaskTimeouts: 0,
  };
  const notifications = { total: 0, notSent: [] as string[], notExactlyOnce: [] as string[] };
  let readModel: ReadModelCheck;
  try {
    const listed = client.workflow.list({ query: "WorkflowType = 'programmeWorkflow'" }).intoHistories();
    async function* histories() {
      for await (const h of listed) {
        const events = (h.history as temporal.api.history.v1.IHistory).events ?? [];
        for (const e of events) {
          if (e.workflowTaskTimedOutEventAttributes) replay.workflowTaskTimeouts++;
          const failed = e.workflowTaskFailedEventAttributes;
          if (failed) {
            const cause = `${failed.cause ?? 'unknown'}: ${(failed.failure?.message ?? '').slice(0, 80)}`;
            replay.workflowTaskFailures[cause] = (replay.workflowTaskFailures[cause] ?? 0) + 1;
          }
        }
        yield h;
      }
    }
    const options = { workflowsPath: require.resolve('../workflows'), interceptors: { workflowModules: [...WORKFLOW_INTERCEPTOR_MODULES, ...(deployed ? [require.resolve('../workflows/drill-rolling-deploy')] : [])] } };
    for await (const r of Worker.runReplayHistories(options, histories())) {
      replay.programmes++;
      if (r.error) replay.failures.push(`${r.workflowId}: ${r.error.message}`);
    }
    if (deployed) for await (const w of client.workflow.list({ query: "WorkflowType = 'programmeWorkflow'" })) if (w.memo?.[DRILL_MEMO_KEY] === DRILL_PATCH_ID) replay.takenOverByNewBuild++;

    readModel = await checkReadModel(client, prisma);

    // Every notification row ends up sent, each in exactly one e-mail.
    // Until all are out, or nothing moved for a minute.
    let lastProgress = Date.now();
    let lastLeft = Infinity;
    for (;;) {
      const rows = await prisma.notification.findMany({ select: { id: true, status: true } });
      notifications.total = rows.length;
      // Left for delivery: queued or being sent; failed is a dead letter. Digest and skipped rows are settled.
      notifications.notSent = rows.filter((r) => ['queued', 'sending', 'failed'].includes(r.status)).map((r) => `${r.id} ${r.status}`);
      if (notifications.notSent.length < lastLeft) {
        lastLeft = notifications.notSent.length;
        lastProgress = Date.now();
      }
      if (!notifications.notSent.length || Date.now() - lastProgress > 60_000) {
        const messages = t.smtp.messages();
        notifications.notExactlyOnce = rows.filter((r) => r.status === 'sent' && messages.filter((m) => m.notificationId === r.id).length !== 1).map((r) => r.id);
        break;
      }
      await sleep(1000);
    }
  } finally {
    await prisma.$disconnect();
    await connection.close();
  }

  const processesUp = t.processes.map((p) => ({ name: p.name, up: p.current()?.child.exitCode === null && p.current()?.child.signalCode === null }));
  const summary = {
    kind,
    plan,
    events: t.events,
    balancer: t.balancer.stats(),
    load: {
      exitCode: code,
      requests: report.requests,
      requestsPerSecond: report.requestsPerSecond,
      fiveXx: report.fiveXx,
      serviceUnavailable: report.serviceUnavailable,
      noAnswer: report.noAnswer,
      unknownOutcomes: report.unknownOutcomes,
      partnerFailures: report.partnerFailures,
      checks: report.checks,
      latencyMs: report.latencyMs,
      writeTimeline: report.writeTimeline,
    },
    replay,
    readModel,
    notifications,
    processesUp,
  };
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, `${JSON.stringify(summary, null, 2)}\n`);
  const c = report.checks;
  const ok =
    code === 0 &&
    report.fiveXx === 0 &&
    report.noAnswer === 0 &&
    c.lost.length === 0 &&
    c.duplicated.length === 0 &&
    c.readModelBehind.length === 0 &&
    replay.failures.length === 0 &&
    replay.programmes >= plan.partners &&
    (!deployed || replay.takenOverByNewBuild > 0) &&
    readModel.programmes >= plan.partners &&
    readModel.different.length === 0 &&
    readModel.journalDifferent.length === 0 &&
    notifications.notSent.length === 0 &&
    notifications.notExactlyOnce.length === 0 &&
    processesUp.every((p) => p.up);
  for (const e of t.events) say(`  ${e.at} ${e.what}`);
  say(`requests ${report.requests}, 5xx other than 503: ${report.fiveXx}, 503: ${report.serviceUnavailable}, no answer ${report.noAnswer}; lost ${c.lost.length}, applied twice ${c.duplicated.length}, read model behind ${c.readModelBehind.length}`);
  say(`workflow tasks in the histories: ${replay.workflowTaskTimeouts} timed out, failed: ${JSON.stringify(replay.workflowTaskFailures)}`);
  say(`read model: ${readModel.programmes} programmes, ${readModel.different.length} states and ${readModel.journalDifferent.length} journals not equal to the workflow's`);
  say(`replayed ${replay.programmes} programmes with the ${replay.build} build, ${replay.failures.length} failures${deployed ? `; ${replay.takenOverByNewBuild} running programmes taken over by the new build` : ''}; notifications ${notifications.total}, not sent ${notifications.notSent.length}, not exactly once ${notifications.notExactlyOnce.length}`);
  say(`written to ${path.relative(root, outFile)}`);
  say(ok ? 'PASS' : 'FAIL');
  return ok;
}

async function main(): Promise<void> {
  const drill = argument('drill');
  if (drill !== undefined && drill !== 'short' && drill !== 'long') throw new Error('--drill=short or --drill=long');
  const config = loadConfig();
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const dataDir = drill ? path.join(root, 'data', `topology-drill-${stamp}`) : path.join(config.dataDir, 'topology');
  if (drill) fs.rmSync(dataDir, { recursive: true, force: true });
  const replicas = Number(argument('replicas') ?? 2);
  say(`Starting the topology in ${path.relative(root, dataDir)} (Temporal server, 2 PostgreSQL clusters, Redis, ${replicas} × api, worker, notifier)…`);
  const started = Date.now();
  const running: { topology?: Topology } = {};
  let exiting = false;
  const shutdown = async (code: number) => {
    if (exiting) return;
    exiting = true;
    say('Stopping the topology…');
    await running.topology?.stop();
    if (drill && code === 0 && !process.argv.includes('--keep')) fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(code);
  };
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, () => void shutdown(130));
  const topology = await startTopology({ dataDir, config, replicas, nodeEnv: drill ? 'test' : 'development', port: drill ? 0 : Number(argument('port') ?? config.PORT), log: (l) => say(`  ${l}`) });
  running.topology = topology;
  try {
    await topology.waitReady();
  } catch (err) {
    process.stderr.write(`\nThe topology did not become ready: ${(err as Error).message}\n`);
    return shutdown(1);
  }
  say(`Topology up in ${Math.round((Date.now() - started) / 1000)} s.`);
  for (const line of describeTopology(topology)) say(`  ${line}`);
  if (!drill) {
    say(`\n  App: ${topology.apiUrl}   Ctrl-C stops everything.`);
    return;
  }
  const out = path.resolve(argument('out') ?? path.join(root, 'data', 'load-results', `topology-drill-${drill}-${stamp}.json`));
  let ok = false;
  try {
    ok = await runDrill(topology, drill, out);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
  await shutdown(ok ? 0 : 1);
}

main().catch((err) => {
  process.stderr.write(`\nThe topology could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
