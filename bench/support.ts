/** Small helpers shared by the bench metrics: percentiles, a concurrency pool, RSS of a process tree, metric rows. */
import fs from 'node:fs';
import { descendants } from '../infra/process-tree';
import { createNotificationQueue } from '../infra/runtime';

export { descendants };

export interface Metric {
  name: string;
  value: number;
  unit: string;
  /** The comparable figure of the bare baseline, null when the row has none. */
  baseline: number | null;
  /** value / baseline, null without a baseline. */
  ratio: number | null;
  /** Human-readable target, null for an informational row. */
  target: string | null;
  /** Whether the target is met, null for an informational row. */
  met: boolean | null;
}

export function percentile(samples: number[], p: number): number {
  if (!samples.length) return NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const round = (n: number, digits = 2) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : n);

export function row(name: string, value: number, unit: string, baseline: number | null, target: string | null, met: ((ratio: number, value: number) => boolean) | null): Metric {
  const ratio = baseline !== null && baseline > 0 ? value / baseline : null;
  return {
    name,
    value: round(value, 3),
    unit,
    baseline: baseline === null ? null : round(baseline, 3),
    ratio: ratio === null ? null : round(ratio, 3),
    target,
    met: met && ratio !== null ? met(ratio, value) : null,
  };
}

/** Runs `fn` over `items` with at most `concurrency` in flight; results in input order. */
export async function pool<T, R>(items: T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!, i);
      }
    }),
  );
  return out;
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export const sleepMs = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs: number, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleepMs(everyMs);
  }
}

/** Resident set of a process and all its descendants (tsx runs the script in a child node), in bytes. */
export function treeRss(pid: number): number {
  let total = 0;
  for (const p of [pid, ...descendants(pid)]) {
    try {
      const status = fs.readFileSync(`/proc/${p}/status`, 'utf8');
      const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
      if (kb) total += Number(kb) * 1024;
    } catch {
      /* gone */
    }
  }
  return total;
}

/** Least-squares slope of y over x. */
export function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? NaN : num / den;
}

export interface ApiCaller {
  call<T = any>(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: T }>;
}

export function api(baseUrl: string): ApiCaller {
  return {
    async call(method, path, token, body) {
      const headers: Record<string, string> = {};
      if (token) headers.Authorization = `Bearer ${token}`;
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const res = await fetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : undefined) as never };
    },
  };
}

export async function expectOk<T>(p: Promise<{ status: number; body: T }>, what: string): Promise<T> {
  const res = await p;
  if (res.status < 200 || res.status >= 300) throw new Error(`${what}: HTTP ${res.status} ${JSON.stringify(res.body).slice(0, 400)}`);
  return res.body;
}

/**
 * Drops the notification jobs that wait and lets the active ones finish (failed jobs waiting for a
 * retry are ignored): a metric that must not share the machine with earlier metrics' e-mails calls
 * it first. Some cannot drain on their own in time: the engine metric's e-mails all go to one
 * coordinator, whose domain the notifier limits to 30 a minute.
 */
export async function drainNotifications(redisUrl: string): Promise<void> {
  const queue = createNotificationQueue(redisUrl);
  try {
    await queue.drain(true);
    await waitUntil('notification queue drained', async () => {
      const c = await queue.getJobCounts('waiting', 'active', 'prioritized');
      return Object.values(c).every((v) => v === 0);
    }, 120_000, 200).catch(async (err) => {
      throw new Error(`${String(err)}: ${JSON.stringify(await queue.getJobCounts())}`);
    });
  } finally {
    await queue.close();
  }
}

/** Shares of the machine's CPU capacity over a window: this run's process tree, and every other process. */
export interface CpuShare {
  thisRun: number;
  otherProcesses: number;
}

/** Clock ticks of `pid`, its descendants, and the children they reaped (processes that ended inside the window). */
function treeTicks(pid: number): number {
  let ticks = 0;
  for (const p of [pid, ...descendants(pid)]) {
    try {
      const stat = fs.readFileSync(`/proc/${p}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number); // f[11..12] utime/stime, f[13..14] reaped children's
      ticks += f[11]! + f[12]! + f[13]! + f[14]!;
    } catch {
      /* gone */
    }
  }
  return ticks;
}

function machineTicks(): { busy: number; total: number } {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - f[3]! - f[4]!, total }; // idle and iowait are not busy
}

/**
 * Starts measuring how much of the machine this process tree and other processes use (Linux
 * /proc; as the Camunda harness measures its own run). `stop()` returns the shares since start,
 * or null where /proc cannot be read.
 */
export function startCpuShare(pid = process.pid): { stop(): CpuShare | null } {
  try {
    const m0 = machineTicks();
    const o0 = treeTicks(pid);
    return {
      stop() {
        try {
          const m1 = machineTicks();
          const o1 = treeTicks(pid);
          const total = m1.total - m0.total;
          if (total <= 0) return null;
          const ours = (o1 - o0) / total;
          const others = Math.max(0, (m1.busy - m0.busy) / total - ours);
          return { thisRun: round(ours, 2), otherProcesses: round(others, 2) };
        } catch {
          return null;
        }
      },
    };
  } catch {
    return { stop: () => null };
  }
}
