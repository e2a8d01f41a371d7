/**
 * `npm run bench [-- --quick] [-- --no-peer]`: measures Jalons against bare baselines on embedded
 * services started here (temporary data directory, nothing persisted), prints a table and writes
 * bench/results/latest.json. Not a test, not run in CI. See docs/performance.md.
 *
 * First, when Java 17 and Maven are present, the peer section runs the Camunda 7 harness of
 * ../shared/peers/camunda7/ (same mode, PostgreSQL 18.4) and, at the end, sets the comparable
 * figures side by side as ratios (bench/metrics/peer-camunda.ts); `--no-peer` skips it.
 *
 * BENCH_ONLY=engine,timers,fanout,footprint,read-model,scale-out,peer runs a subset (development aid).
 *
 * BENCH_TEMPORAL (bench/env.ts) says where the application runs: `dev-server` (default) the
 * Temporal CLI's dev server in memory, one API, one worker, one notifier; `server` the same on the
 * real Temporal server v1.29.1 on a PostgreSQL of its own; `topology` `npm run topology`'s shape
 * (infra/topology.ts: that server, 2 API processes behind the round-robin balancer, 2 workers,
 * 2 notifiers, Redis with AOF, the application's PostgreSQL), the metrics' HTTP calls through the
 * balancer and the baselines' minimal worker on the same server. `server` and `topology` need
 * `node scripts/bootstrap.mjs --temporal-server` first; scale-out does not apply to `topology`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBenchEnv, type BenchEnv } from './env';
import { benchEngine } from './metrics/engine';
import { benchFanout } from './metrics/fanout';
import { comparePeer, describePeerNoise, formatPeerTable, runPeerCamunda, type PeerOutcome, type PeerRow } from './metrics/peer-camunda';
import { benchFootprint } from './metrics/footprint';
import { benchReadModel } from './metrics/read-model';
import { benchScaleOut } from './metrics/scale-out';
import { benchTimers } from './metrics/timers';
import { startCpuShare, type CpuShare, type Metric } from './support';

const quick = process.argv.includes('--quick');
const noPeer = process.argv.includes('--no-peer');
const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
const say = (line: string) => process.stdout.write(`${line}\n`);

const SIZES = quick
  ? { engineProgrammes: 24, timerProgrammes: 40, timerDueSeconds: 15, fanout: 1_000, footprint: [0, 250], readModel: 2_000, readSamples: 40 }
  : { engineProgrammes: 200, timerProgrammes: 1_000, timerDueSeconds: 60, fanout: 10_000, footprint: [0, 1_000, 2_500, 5_000, 10_000], readModel: 10_000, readSamples: 200 };

function machine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    hostname: os.hostname(),
    /** 1, 5, 15-minute load averages when the run began: other work on the machine skews every figure. */
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

function formatTable(metrics: Metric[]): string {
  const header = ['metric', 'value', 'unit', 'baseline', 'ratio', 'target', 'met'];
  const cells = metrics.map((m) => [m.name, String(m.value), m.unit, m.baseline === null ? '—' : String(m.baseline), m.ratio === null ? '—' : `${m.ratio}×`, m.target ?? '—', m.met === null ? '—' : m.met ? 'yes' : 'NO']);
  const lines = [header, header.map(() => '---'), ...cells];
  return lines.map((l) => `| ${l.join(' | ')} |`).join('\n');
}

async function main(): Promise<void> {
  const startedAt = new Date().toISOString();
  const host = machine();
  const t0 = Date.now();
  say(`Jalons bench (${quick ? 'quick' : 'full'}) — ${startedAt}`);
  // The peer runs first and stops everything it started before the application's services start.
  const peer: PeerOutcome = noPeer
    ? { status: 'skipped', reason: '--no-peer' }
    : only && !only.includes('peer')
      ? { status: 'skipped', reason: 'BENCH_ONLY does not list peer' }
      : await runPeerCamunda({ quick, say });
  if (peer.status === 'skipped') say(`Peer section skipped: ${peer.reason}`);
  const loadAtStart = os.loadavg().map((l) => Math.round(l * 100) / 100);
  const cpuWindow = startCpuShare();
  const env: BenchEnv = await startBenchEnv(say);
  const metrics: Metric[] = [];
  const notes: string[] = [];
  let jalonsCpu: CpuShare | null = null;
  const failures: string[] = [];
  const step = async (name: string, fn: () => Promise<{ metrics: Metric[]; notes?: string[] } | Metric[]>) => {
    if (only && !only.includes(name)) return;
    const t = Date.now();
    try {
      const out = await fn();
      if (Array.isArray(out)) metrics.push(...out);
      else {
        metrics.push(...out.metrics);
        notes.push(...(out.notes ?? []));
      }
    } catch (err) {
      failures.push(`${name}: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
      say(`  ${name} FAILED: ${String(err)}`);
    }
    say(`  (${name}: ${((Date.now() - t) / 1000).toFixed(1)} s)`);
  };
  try {
    // First, so that it measures its nominal size (later metrics leave thousands of programmes behind).
    await step('read-model', () => benchReadModel(env, { programmes: SIZES.readModel, samples: SIZES.readSamples, say }));
    await step('engine', () => benchEngine(env, { programmes: SIZES.engineProgrammes, say }));
    await step('timers', () => benchTimers(env, { programmes: SIZES.timerProgrammes, dueInSeconds: SIZES.timerDueSeconds, say }));
    await step('fanout', () => benchFanout(env, { n: SIZES.fanout, say }));
    await step('footprint', () => benchFootprint(env, { checkpoints: SIZES.footprint, say }));
    // Last: it replaces the in-process programme worker with separate processes.
    await step('scale-out', () => benchScaleOut(env, { programmes: SIZES.engineProgrammes, processes: 2, say }));
  } finally {
    jalonsCpu = cpuWindow.stop();
    await env.stop();
  }
  const loadAtEnd = os.loadavg().map((l) => Math.round(l * 100) / 100);
  let peerRows: PeerRow[] = [];
  let peerNotes: string[] = [];
  if (peer.status === 'measured') {
    peerRows = comparePeer(metrics, peer.result);
    peerNotes = [...describePeerNoise(peer.result, { loadAtStart, loadAtEnd, cpu: jalonsCpu, mode: quick ? 'quick' : 'full' }), ...peer.warnings];
  }
  const result = {
    machine: { ...host, loadAverageAtEnd: loadAtEnd, loadAverageAtJalonsStart: loadAtStart, cpuShareWhileMeasuring: jalonsCpu },
    startedAt,
    mode: quick ? 'quick' : 'full',
    temporal: env.temporal,
    durationSeconds: Math.round((Date.now() - t0) / 1000),
    metrics,
    notes,
    failures,
    peer: peer.status === 'measured' ? { status: peer.status, wallSeconds: peer.wallSeconds, comparison: peerRows, notes: peerNotes, camunda: peer.result } : peer,
  };
  const out = path.join(__dirname, 'results', 'latest.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  say(`\n${formatTable(metrics)}\n`);
  for (const n of notes) say(`- ${n}`);
  for (const f of failures) say(`FAILED ${f}`);
  if (peer.status === 'measured') {
    say(`\nSide by side with Camunda 7 (harness run just before, ${peer.wallSeconds} s):\n\n${formatPeerTable(peerRows, peer.result)}\n`);
    for (const n of peerNotes) say(`- ${n}`);
  } else say(`\nPeer section skipped: ${peer.reason}`);
  say(`\n${result.durationSeconds} s on ${env.temporal} (load average ${loadAtStart.join(' ')} → ${loadAtEnd.join(' ')}); written to ${path.relative(process.cwd(), out)}`);
  // A client a failed metric left open must not keep the process alive.
  process.exit(failures.length ? 1 : 0);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
