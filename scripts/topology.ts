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
 * `npm run topology -- --drill=short|long [--out=FILE]` runs a fault drill on a fresh topology
 * (data/topology-drill-<time>) with the load script (scripts/load.ts --target) and stops:
 *   short (in `npm test`): 12 partners for about 45 s; kill -9 of one API, one worker, one notifier;
 *   long: 200 partners for 5 minutes; the same kills at random moments, one Temporal server
 *   restart (10 s away), then a rolling restart of the workers, one by one (same code), while the
 *   load runs.
 * Pass: no 5xx other than 503 (documented: the balancer's and the API's answer while a process
 * or Temporal is away), nothing lost or applied twice, the read model equals the workflows, every
 * programme replays against the workflow code, every notification sent once.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { loadConfig } from '../infra/config';
import { createPrisma } from '../infra/prisma';
import { describeTopology, startTopology, type Role, type Topology } from '../infra/topology';

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
  rollingAtS?: number;
}

const PLANS: Record<'short' | 'long', DrillPlan> = {
  short: { partners: 12, managers: 2, durationS: 45, think: '1000-4000', killWindowS: [5, 25] },
  long: { partners: 200, managers: 5, durationS: 300, think: '5000-25000', killWindowS: [20, 130], temporalRestartAtS: 150, temporalDownMs: 10_000, rollingAtS: 200 },
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runDrill(t: Topology, kind: 'short' | 'long', outFile: string): Promise<boolean> {
  const plan = PLANS[kind];
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
  if (plan.rollingAtS !== undefined) {
    actions.push(
      (async () => {
        await at(plan.rollingAtS!);
        // Worker by worker (same code: a rolling restart): the other one keeps polling, so no task waits for a worker.
        for (const w of t.processes.filter((p) => p.role === 'worker')) await t.replace(w.name);
      })(),
    );
  }
  await Promise.all(actions);
  const code = await loadExit;
  process.removeListener('exit', stopLoad);
  if (!fs.existsSync(loadOut)) throw new Error(`the load script wrote no report (exit ${code}):\n${fs.readFileSync(loadLog, 'utf8').slice(-3000)}`);
  const report = JSON.parse(fs.readFileSync(loadOut, 'utf8'));

  // Every programme replays against the workflow code the workers run.
  const connection = await Connection.connect({ address: t.endpoints.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: t.namespace });
  const replay = { programmes: 0, failures: [] as string[] };
  try {
    const histories = client.workflow.list({ query: "WorkflowType = 'programmeWorkflow'" }).intoHistories();
    for await (const r of Worker.runReplayHistories({ workflowsPath: require.resolve('../workflows') }, histories)) {
      replay.programmes++;
      if (r.error) replay.failures.push(`${r.workflowId}: ${r.error.message}`);
    }
  } finally {
    await connection.close();
  }

  // Every notification row ends up sent, each in exactly one e-mail.
  const prisma = createPrisma(t.endpoints.DATABASE_URL);
  const notifications = { total: 0, notSent: [] as string[], notExactlyOnce: [] as string[] };
  try {
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
    notifications.notSent.length === 0 &&
    notifications.notExactlyOnce.length === 0 &&
    processesUp.every((p) => p.up);
  for (const e of t.events) say(`  ${e.at} ${e.what}`);
  say(`requests ${report.requests}, 5xx other than 503: ${report.fiveXx}, 503: ${report.serviceUnavailable}, no answer ${report.noAnswer}; lost ${c.lost.length}, applied twice ${c.duplicated.length}, read model behind ${c.readModelBehind.length}`);
  say(`replayed ${replay.programmes} programmes, ${replay.failures.length} failures; notifications ${notifications.total}, not sent ${notifications.notSent.length}, not exactly once ${notifications.notExactlyOnce.length}`);
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
