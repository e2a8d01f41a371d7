/**
 * `npm run bench [-- --quick]`: measures Jalons against bare baselines on embedded services
 * started here (temporary data directory, nothing persisted), prints a table and writes
 * bench/results/latest.json. Not a test, not run in CI. See docs/performance.md.
 *
 * BENCH_ONLY=engine,timers,fanout,footprint,read-model,scale-out runs a subset (development aid).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBenchEnv, type BenchEnv } from './env';
import { benchEngine } from './metrics/engine';
import { benchFanout } from './metrics/fanout';
import { benchFootprint } from './metrics/footprint';
import { benchReadModel } from './metrics/read-model';
import { benchScaleOut } from './metrics/scale-out';
import { benchTimers } from './metrics/timers';
import type { Metric } from './support';

const quick = process.argv.includes('--quick');
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
  const env: BenchEnv = await startBenchEnv(say);
  const metrics: Metric[] = [];
  const notes: string[] = [];
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
    await env.stop();
  }
  const result = { machine: { ...host, loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100) }, startedAt, mode: quick ? 'quick' : 'full', durationSeconds: Math.round((Date.now() - t0) / 1000), metrics, notes, failures };
  const out = path.join(__dirname, 'results', 'latest.json');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  say(`\n${formatTable(metrics)}\n`);
  for (const n of notes) say(`- ${n}`);
  for (const f of failures) say(`FAILED ${f}`);
  say(`\n${result.durationSeconds} s; written to ${path.relative(process.cwd(), out)}`);
  // A client a failed metric left open must not keep the process alive.
  process.exit(failures.length ? 1 : 0);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
