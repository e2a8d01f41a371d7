/**
 * `npm run load [-- --duration=300 --partners=200 --managers=5 --think=5000-25000 --out=FILE --keep]`
 *
 * A bounded load run against an installation of its own, on loopback only. It starts
 * `tsx scripts/start.ts` (exactly what `npm start` runs: embedded Temporal, PostgreSQL, Redis,
 * SMTP catcher, then API, Temporal worker and notifier in one process) with a fresh DATA_DIR
 * under data/load-<time>/ and free ports, seeds one programme per partner, then for
 * `--duration` seconds (default 300) `--partners` simulated partners (default 200) look at their
 * tasks, upload small deliverables and complete their steps, each with a think time drawn from
 * `--think` (ms), while `--managers` managers (default 5) poll the dashboard and the programme
 * list. Then it stops by itself and checks, against each workflow's own query state, that no
 * acknowledged action was lost or applied twice and that the read model caught up, and that no
 * partner reads another's data: every partner's organisation, user, file names and titles carry a
 * secret string, and each GET route of the served OpenAPI document a partner may call is read for
 * a sample of partners (their own ids and a neighbour's, which must answer 404); it prints
 * latency percentiles per operation and writes everything to data/load-results/<time>.json
 * (or `--out`).
 * Exit code 1 when any answer was a 5xx, any action was lost or doubled, or a secret leaked.
 * Everything it started is stopped at the end; `--keep` keeps the installation's data directory.
 *
 * `--target=FILE` runs against an installation already up instead (FILE: JSON with apiUrl,
 * TEMPORAL_ADDRESS, DATABASE_URL and TEMPORAL_NAMESPACE), as the topology drill does
 * (scripts/topology.ts). `--allow-503` counts 503 answers (a dependency or an API process away,
 * with Retry-After) apart instead of failing the run; a partner retries them with the same
 * Idempotency-Key after the delay the answer names.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import type { ProgrammeState } from '../domain/programme-state';
import type { TemplateInput } from '../domain/template-schema';
import { createPrisma, type PrismaClient } from '../infra/prisma';
import { seedTemplates } from '../infra/runtime';
import { hashPassword } from '../server/auth';
import { programmeStateQuery } from '../workflows/programme';
import { startOwnInstallation } from './own-installation';

const root = path.resolve(__dirname, '..');
const say = (line: string) => process.stdout.write(`${line}\n`);

function argument(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}
function positiveInt(name: string, fallback: number): number {
  const raw = argument(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer (got "${raw}")`);
  return n;
}

const DURATION_S = positiveInt('duration', 300);
const PARTNERS = positiveInt('partners', 200);
const MANAGERS = positiveInt('managers', 5);
const [THINK_MIN, THINK_MAX] = (argument('think') ?? '5000-25000').split('-').map(Number) as [number, number];
const KEEP = process.argv.includes('--keep');
const TARGET = argument('target');
const ALLOW_503 = process.argv.includes('--allow-503');
const DELIVERABLE_STEPS = 20;
const PLAIN_STEPS = 25;
const REQUEST_TIMEOUT_MS = 60_000;

/** One phase of steps a partner can take in any order: some need a file first. */
function loadTemplate(): TemplateInput {
  return {
    key: 'load-partner-work',
    version: 1,
    name: { fr: 'Charge : travaux partenaire', en: 'Load: partner work' },
    labels: { roles: { partner: { fr: 'Partenaire', en: 'Partner' } } },
    phases: [
      {
        key: 'work',
        name: { fr: 'Travaux', en: 'Work' },
        steps: [
          ...Array.from({ length: DELIVERABLE_STEPS }, (_, i) => ({
            key: `deliver-${i + 1}`,
            name: { fr: `Livrable ${i + 1}`, en: `Deliverable ${i + 1}` },
            assignee: { kind: 'slot' as const, slot: 'partner' },
            deliverables: [{ kind: 'doc', label: { fr: 'Document', en: 'Document' }, min: 1, acceptance: false }],
          })),
          ...Array.from({ length: PLAIN_STEPS }, (_, i) => ({ key: `task-${i + 1}`, name: { fr: `Tâche ${i + 1}`, en: `Task ${i + 1}` }, assignee: { kind: 'slot' as const, slot: 'partner' } })),
        ],
      },
    ],
  };
}

// ------------------------------------------------------------------ measurements

interface Sample {
  op: string;
  status: number;
  ms: number;
  /** When the request was sent (epoch ms): the timeline places faults against latency. */
  at: number;
}
const samples: Sample[] = [];
let inFlight = 0;

async function call(base: string, op: string, method: string, url: string, token: string, body?: { json?: unknown; form?: FormData }, idempotencyKey?: string): Promise<{ status: number; body: any; retryAfterS?: number }> {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  if (body?.json !== undefined) headers['Content-Type'] = 'application/json';
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  const started = performance.now();
  const sentAt = Date.now();
  inFlight++;
  try {
    const res = await fetch(`${base}${url}`, { method, headers, body: body?.form ?? (body?.json === undefined ? undefined : JSON.stringify(body.json)), signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
    const text = await res.text();
    samples.push({ op, status: res.status, ms: performance.now() - started, at: sentAt });
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    const retryAfter = Number(res.headers.get('retry-after'));
    return { status: res.status, body: parsed, ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterS: retryAfter } : {}) };
  } catch {
    // No answer (timeout or cut connection): counted apart, outcome unknown.
    samples.push({ op, status: 0, ms: performance.now() - started, at: sentAt });
    return { status: 0, body: undefined };
  } finally {
    inFlight--;
  }
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

// ------------------------------------------------------------------ actors

interface Partner {
  index: number;
  /** In its organisation's and user's names, its file names and titles: no other partner may ever read it. */
  secret: string;
  token: string;
  organisationId: string;
  programmeId: string;
  /** Acknowledged (2xx) actions, by step: the deliverable ids and the completion's key. */
  uploads: Map<string, string[]>;
  completed: Map<string, string>;
  /** Actions whose outcome the partner never learnt (no answer, 5xx). */
  unknown: number;
  todo: string[];
}

async function seed(prisma: PrismaClient, apiUrl: string): Promise<{ coordinator: string; managers: string[]; partners: Partner[] }> {
  await seedTemplates(prisma, [loadTemplate()]);
  const password = `load-${randomBytes(9).toString('base64url')}`;
  const passwordHash = await hashPassword(password);
  const login = async (email: string) => {
    const res = await fetch(`${apiUrl}/api/v1/auth/login`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ email, password }) });
    if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
    return ((await res.json()) as { token: string }).token;
  };
  const user = async (role: 'coordinator' | 'manager' | 'partner', n: number, organisationId?: string, secret = '') => {
    const id = `usr_${randomUUID()}`;
    const email = `${role}-${n}@load.jalons.local`;
    await prisma.user.create({ data: { id, email, name: `${role} ${n}${secret ? ` ${secret}` : ''}`, role, organisationId: organisationId ?? null, passwordHash } });
    return login(email);
  };
  const coordinator = await user('coordinator', 0);
  const managers: string[] = [];
  for (let i = 0; i < MANAGERS; i++) managers.push(await user('manager', i));
  const partners: Partner[] = [];
  for (let i = 0; i < PARTNERS; i++) {
    const organisationId = `org_${randomUUID()}`;
    const secret = `secret-${randomBytes(6).toString('hex')}`;
    await prisma.organisation.create({ data: { id: organisationId, name: `Partenaire ${i} ${secret}`, kind: 'training-organisation' } });
    const token = await user('partner', i, organisationId, secret);
    const todo = [...Array.from({ length: DELIVERABLE_STEPS }, (_, k) => `deliver-${k + 1}`), ...Array.from({ length: PLAIN_STEPS }, (_, k) => `task-${k + 1}`)].sort(() => Math.random() - 0.5);
    partners.push({ index: i, secret, token, organisationId, programmeId: '', uploads: new Map(), completed: new Map(), unknown: 0, todo });
  }
  // One programme per partner, started four at a time as a coordinator would (not measured).
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < partners.length) {
        const p = partners[next++]!;
        for (let attempt = 0; ; attempt++) {
          const res = await call(apiUrl, 'seed:start-programme', 'POST', '/api/v1/programmes', coordinator, { json: { templateKey: 'load-partner-work', title: `Travaux du partenaire ${p.index}`, startDate: new Date().toISOString().slice(0, 10), params: { slots: { partner: p.organisationId } } } }, `start-${p.index}`);
          if (res.status === 201) {
            p.programmeId = res.body.id;
            break;
          }
          if (attempt >= 5) throw new Error(`starting programme ${p.index}: ${res.status} ${JSON.stringify(res.body)}`);
          await new Promise((r) => setTimeout(r, 2000));
        }
      }
    }),
  );
  return { coordinator, managers, partners };
}

const think = () => new Promise((r) => setTimeout(r, THINK_MIN + Math.random() * (THINK_MAX - THINK_MIN)));
const PDF_BODY = '%PDF-1.7\nCompte rendu de test de charge\n';

/** Sends one action until it gets an answer other than "no answer"/5xx (same Idempotency-Key), or until the run ends. */
async function act(p: Partner, send: (key: string) => Promise<{ status: number; body: any; retryAfterS?: number }>, stopAt: number): Promise<{ status: number; body: any } | undefined> {
  const key = randomUUID();
  // A 503 with Retry-After (a dependency restarting) is waited out for up to a minute past the end.
  for (let attempt = 0; attempt < 5 || (ALLOW_503 && attempt < 60); attempt++) {
    const res = await send(key);
    // 409 idempotency_request_in_progress: the first request with this key still runs, or died with
    // its API process (a retry takes the key over once that process's heartbeat lapses): retry it.
    const inProgress = res.status === 409 && res.body?.code === 'idempotency_request_in_progress';
    if (res.status !== 0 && res.status < 500 && !inProgress) return res;
    if (Date.now() > stopAt + 60_000) break;
    if (attempt >= 4 && !((res.status === 503 && res.retryAfterS) || inProgress)) break;
    await new Promise((r) => setTimeout(r, res.status === 503 && res.retryAfterS ? res.retryAfterS * 1000 : inProgress ? 1000 : 1000 * (attempt + 1)));
  }
  p.unknown++;
  return undefined;
}

async function runPartner(base: string, p: Partner, stopAt: number): Promise<void> {
  // Spread the first actions over the first think period.
  await new Promise((r) => setTimeout(r, Math.random() * THINK_MAX));
  while (Date.now() < stopAt && p.todo.length) {
    await call(base, 'GET /tasks', 'GET', '/api/v1/tasks?limit=20', p.token);
    if (Math.random() < 0.2) await call(base, 'GET /programmes/:id', 'GET', `/api/v1/programmes/${p.programmeId}`, p.token);
    await think();
    if (Date.now() >= stopAt) break;
    const stepKey = p.todo[0]!;
    const url = `/api/v1/programmes/${p.programmeId}/steps/${stepKey}`;
    let deliverableIds: string[] | undefined;
    if (stepKey.startsWith('deliver-')) {
      deliverableIds = p.uploads.get(stepKey);
      if (!deliverableIds) {
        const bytes = Buffer.concat([Buffer.from(PDF_BODY), randomBytes(2048 + Math.floor(Math.random() * 30_000)), Buffer.from('\n%%EOF\n')]);
        const res = await act(p, (key) => {
          const form = new FormData();
          form.append('title', `Livrable ${stepKey} ${p.secret}`);
          form.append('kind', 'doc');
          form.append('file', new Blob([bytes], { type: 'application/pdf' }), `${stepKey}-${p.secret}.pdf`);
          return call(base, 'POST deliverable (upload)', 'POST', `${url}/deliverables`, p.token, { form }, key);
        }, stopAt);
        if (res?.status === 201) p.uploads.set(stepKey, [res.body.id]);
        else if (res) throw new Error(`partner ${p.index} upload ${stepKey}: ${res.status} ${JSON.stringify(res.body)}`);
        continue; // completing the step is the partner's next action
      }
    }
    let completionKey = '';
    const res = await act(p, (key) => {
      completionKey = key;
      return call(base, 'POST step complete', 'POST', `${url}/complete`, p.token, { json: { note: `load ${key}`, ...(deliverableIds ? { deliverableIds } : {}) } }, key);
    }, stopAt);
    if (res?.status === 200) {
      p.completed.set(stepKey, completionKey);
      p.todo.shift();
    } else if (res) throw new Error(`partner ${p.index} complete ${stepKey}: ${res.status} ${JSON.stringify(res.body)}`);
  }
}

async function runManager(base: string, token: string, stopAt: number): Promise<void> {
  await new Promise((r) => setTimeout(r, Math.random() * 2000));
  while (Date.now() < stopAt) {
    await call(base, 'GET /dashboard', 'GET', '/api/v1/dashboard', token);
    await call(base, 'GET /programmes', 'GET', '/api/v1/programmes?limit=50', token);
    await new Promise((r) => setTimeout(r, 1000 + Math.random() * 2000));
  }
}

// ------------------------------------------------------------------ checks

interface Check {
  programmes: number;
  acknowledgedCompletions: number;
  acknowledgedUploads: number;
  lost: string[];
  duplicated: string[];
  unexplained: string[];
  readModelBehind: string[];
  /** Reads that showed a partner another partner's secret, or did not answer 404 for a neighbour's id. */
  isolation: string[];
  isolationReads: number;
}

async function check(client: Client, prisma: PrismaClient, partners: Partner[]): Promise<Check> {
  const result: Check = { programmes: partners.length, acknowledgedCompletions: 0, acknowledgedUploads: 0, lost: [], duplicated: [], unexplained: [], readModelBehind: [], isolation: [], isolationReads: 0 };
  for (const p of partners) {
    const state = await client.workflow.getHandle(p.programmeId).query(programmeStateQuery);
    for (const step of state.steps) {
      const ackKey = p.completed.get(step.key);
      if (ackKey) {
        result.acknowledgedCompletions++;
        // Lost: acknowledged but not completed. Applied twice would show as a note from another request.
        if (step.status !== 'completed') result.lost.push(`${p.programmeId} ${step.key} completion`);
        else if (step.note !== `load ${ackKey}`) result.duplicated.push(`${p.programmeId} ${step.key} completed by another request (${step.note})`);
      } else if (step.status === 'completed' && p.unknown === 0) {
        result.unexplained.push(`${p.programmeId} ${step.key} completed without an acknowledged request`);
      }
      const acked = p.uploads.get(step.key) ?? [];
      result.acknowledgedUploads += acked.length;
      for (const id of acked) if (!step.deliverables.some((d) => d.id === id)) result.lost.push(`${p.programmeId} ${step.key} deliverable ${id}`);
      // One acknowledged upload per step: more deliverables than that means one was applied twice.
      if (step.deliverables.length > acked.length && p.unknown === 0) result.duplicated.push(`${p.programmeId} ${step.key}: ${step.deliverables.length} deliverables for ${acked.length} acknowledged upload(s)`);
    }
    // The read model catches up with the workflow within moments.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const row = await prisma.programme.findUnique({ where: { id: p.programmeId } });
      const stored = row?.state as unknown as ProgrammeState | undefined;
      const fresh = await client.workflow.getHandle(p.programmeId).query(programmeStateQuery);
      // jsonb keeps no key order: compare structurally, apart from the not-yet-projected audit buffer.
      if (stored && isDeepStrictEqual({ ...stored, pendingEvents: [] }, { ...fresh, pendingEvents: [] })) break;
      if (Date.now() > deadline) {
        result.readModelBehind.push(p.programmeId);
        break;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  return result;
}

const ISOLATION_SAMPLE = 25;

/**
 * The read-isolation check of tests/integration/read-isolation.test.ts on the loaded installation:
 * for a sample of partners, every GET route of the OpenAPI document a partner may call, with its
 * own ids and its neighbour's; no answer may hold another partner's secret, a neighbour's id answers 404.
 */
async function checkIsolation(base: string, partners: Partner[], result: Check): Promise<void> {
  const doc = (await (await fetch(`${base}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, { 'x-roles'?: string[]; security?: unknown[]; responses?: Record<string, { content?: Record<string, unknown> }> }>> };
  const sample = partners.filter((p) => p.programmeId).slice(0, ISOLATION_SAMPLE);
  const secrets = partners.map((p) => p.secret);
  for (const [n, p] of sample.entries()) {
    const neighbour = sample[(n + 1) % sample.length]!;
    if (neighbour === p) break;
    const stepOf = (q: Partner) => [...q.uploads.keys()][0] ?? 'deliver-1';
    const deliverableOf = (q: Partner) => [...q.uploads.values()][0]?.[0] ?? 'dlv_none';
    const values: Record<string, [string, boolean][]> = {
      'programmes/{id}': [[p.programmeId, false], [neighbour.programmeId, true]],
      'steps/{stepKey}': [[stepOf(p), false], [stepOf(neighbour), false]],
      'deliverables/{deliverableId}': [[deliverableOf(p), false], [deliverableOf(neighbour), true]],
      'templates/{key}': [['load-partner-work', false]],
    };
    for (const [path, ops] of Object.entries(doc.paths)) {
      const op = ops.get;
      if (!op || (op['x-roles'] && !op['x-roles'].includes('partner')) || (op.security && op.security.length === 0)) continue;
      // The live-update stream never ends: the integration test reads it.
      if (Object.values(op.responses ?? {}).some((r) => r.content && 'text/event-stream' in r.content)) continue;
      const segments = path.split('/');
      const keys = segments.flatMap((seg, i) => (/^\{\w+\}$/.test(seg) ? [{ name: seg.slice(1, -1), key: `${segments[i - 1]}/${seg}` }] : []));
      if (keys.some((k) => !values[k.key])) {
        result.isolation.push(`GET ${path}: no values for its path parameters in the load check`);
        continue;
      }
      let combos: { url: string; foreign: boolean }[] = [{ url: path, foreign: false }];
      for (const k of keys) combos = combos.flatMap((c) => values[k.key]!.map(([v, foreign]) => ({ url: c.url.replace(`{${k.name}}`, encodeURIComponent(v)), foreign: c.foreign || foreign })));
      for (const c of combos) {
        const res = await fetch(`${base}${c.url}`, { headers: { Authorization: `Bearer ${p.token}` }, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) }).catch(() => undefined);
        result.isolationReads++;
        if (!res) {
          result.isolation.push(`${c.url} as partner ${p.index}: no answer`);
          continue;
        }
        const text = `${[...res.headers.values()].join('\n')}\n${await res.text()}`.replace(/\r?\n[ \t]/g, '');
        const leaked = secrets.filter((s) => s !== p.secret && text.includes(s));
        if (leaked.length) result.isolation.push(`${c.url} as partner ${p.index} shows ${leaked.length} other partner(s)' secret(s)`);
        if (c.foreign && res.status !== 404) result.isolation.push(`${c.url} as partner ${p.index}: ${res.status} for a neighbour's id (404 expected)`);
        if (res.status >= 500) result.isolation.push(`${c.url} as partner ${p.index}: ${res.status}`);
      }
    }
  }
}

// ------------------------------------------------------------------ main

async function main(): Promise<void> {
  if (!Number.isFinite(THINK_MIN) || !Number.isFinite(THINK_MAX) || THINK_MIN < 0 || THINK_MAX < THINK_MIN) throw new Error('--think=MIN-MAX in milliseconds');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  say(`Load run: ${PARTNERS} partners, ${MANAGERS} managers, ${DURATION_S} s, think ${THINK_MIN}-${THINK_MAX} ms`);
  const bootStarted = Date.now();
  const inst = TARGET ? targetInstallation(TARGET) : await startOwnInstallation(path.join(root, 'data', `load-${stamp}`), { keep: KEEP });
  // Ctrl-C stops the installation too (it would otherwise outlive this process).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      say('Interrupted: stopping the installation…');
      void inst.stop().finally(() => process.exit(130));
    });
  }
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(new URL(inst.apiUrl).hostname)) throw new Error('load runs against loopback only');
  say(`  installation up in ${Math.round((Date.now() - bootStarted) / 1000)} s at ${inst.apiUrl} (data ${path.relative(root, inst.dataDir)})`);
  const prisma = createPrisma(inst.endpoints.DATABASE_URL);
  const connection = await Connection.connect({ address: inst.endpoints.TEMPORAL_ADDRESS });
  const namespace = 'namespace' in inst ? inst.namespace : undefined;
  const client = new Client({ connection, ...(namespace ? { namespace } : {}) });
  let exitCode = 1;
  try {
    const seedStarted = Date.now();
    const { managers, partners } = await seed(prisma, inst.apiUrl);
    say(`  seeded ${partners.length} programmes and ${partners.length + managers.length + 1} users in ${Math.round((Date.now() - seedStarted) / 1000)} s`);
    samples.length = 0;
    const startedAt = new Date();
    const stopAt = Date.now() + DURATION_S * 1000;
    const progress = setInterval(() => say(`  … ${Math.round((stopAt - Date.now()) / 1000)} s left, ${samples.length} requests, ${inFlight} in flight, ${samples.filter((s) => s.status >= 500).length} 5xx`), 30_000);
    const failures: string[] = [];
    await Promise.all([
      ...partners.map((p) => runPartner(inst.apiUrl, p, stopAt).catch((err) => void failures.push(String(err instanceof Error ? err.message : err)))),
      ...managers.map((m) => runManager(inst.apiUrl, m, stopAt).catch((err) => void failures.push(String(err)))),
    ]);
    clearInterval(progress);
    const endedAt = new Date();
    const wallSeconds = (endedAt.getTime() - startedAt.getTime()) / 1000;
    say(`  traffic stopped after ${wallSeconds.toFixed(1)} s; checking against the workflows' own state…`);
    const checked = await check(client, prisma, partners);
    await checkIsolation(inst.apiUrl, partners, checked);

    const ops = [...new Set(samples.map((s) => s.op))].sort();
    const latency = ops.map((op) => {
      const ms = samples.filter((s) => s.op === op && s.status !== 0).map((s) => s.ms).sort((a, b) => a - b);
      const statuses = samples.filter((s) => s.op === op).reduce<Record<string, number>>((acc, s) => ((acc[s.status] = (acc[s.status] ?? 0) + 1), acc), {});
      const r = (x: number) => Math.round(x * 10) / 10;
      return { op, count: ms.length, p50: r(percentile(ms, 50)), p90: r(percentile(ms, 90)), p95: r(percentile(ms, 95)), p99: r(percentile(ms, 99)), max: r(ms[ms.length - 1] ?? NaN), statuses };
    });
    const serviceUnavailable = samples.filter((s) => s.status === 503).length;
    const fiveXx = samples.filter((s) => s.status >= 500 && !(ALLOW_503 && s.status === 503)).length;
    // Writes (POST) per 15 s of traffic, by the time they were sent: where the tail comes from.
    const BUCKET_MS = 15_000;
    const timeline = Array.from({ length: Math.ceil((endedAt.getTime() - startedAt.getTime()) / BUCKET_MS) }, (_, i) => {
      const from = startedAt.getTime() + i * BUCKET_MS;
      const inBucket = samples.filter((s) => s.op.startsWith('POST') && s.at >= from && s.at < from + BUCKET_MS);
      const ms = inBucket.filter((s) => s.status !== 0).map((s) => s.ms).sort((a, b) => a - b);
      return { from: new Date(from).toISOString(), writes: inBucket.length, p50: Math.round(percentile(ms, 50)), p95: Math.round(percentile(ms, 95)), max: Math.round(ms[ms.length - 1] ?? NaN), status503: inBucket.filter((s) => s.status === 503).length };
    });
    const noAnswer = samples.filter((s) => s.status === 0).length;
    const report = {
      startedAt: startedAt.toISOString(),
      endedAt: endedAt.toISOString(),
      machine: { cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version },
      parameters: { durationSeconds: DURATION_S, partners: PARTNERS, managers: MANAGERS, thinkMs: [THINK_MIN, THINK_MAX], stepsPerProgramme: DELIVERABLE_STEPS + PLAIN_STEPS },
      requests: samples.length,
      requestsPerSecond: Math.round((samples.length / wallSeconds) * 10) / 10,
      fiveXx,
      serviceUnavailable,
      noAnswer,
      partnerFailures: failures,
      unknownOutcomes: partners.reduce((n, p) => n + p.unknown, 0),
      checks: checked,
      latencyMs: latency,
      writeTimeline: timeline,
    };
    const outFile = path.resolve(argument('out') ?? path.join(root, 'data', 'load-results', `load-${stamp}.json`));
    fs.mkdirSync(path.dirname(outFile), { recursive: true });
    fs.writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);

    say('');
    say(`| operation | count | p50 ms | p90 ms | p95 ms | p99 ms | max ms | statuses |`);
    say(`| --- | --- | --- | --- | --- | --- | --- | --- |`);
    for (const l of latency) say(`| ${l.op} | ${l.count} | ${l.p50} | ${l.p90} | ${l.p95} | ${l.p99} | ${l.max} | ${JSON.stringify(l.statuses)} |`);
    say('');
    say(`requests ${report.requests} (${report.requestsPerSecond}/s), 5xx ${fiveXx}${ALLOW_503 ? ` (503 counted apart: ${serviceUnavailable})` : ''}, no answer ${noAnswer}, unknown outcomes ${report.unknownOutcomes}`);
    say(`acknowledged: ${checked.acknowledgedCompletions} completions, ${checked.acknowledgedUploads} uploads; lost ${checked.lost.length}, applied twice ${checked.duplicated.length}, unexplained ${checked.unexplained.length}, read model behind ${checked.readModelBehind.length}`);
    say(`isolation: ${checked.isolationReads} reads by ${Math.min(ISOLATION_SAMPLE, partners.length)} partners, ${checked.isolation.length} problem(s)`);
    for (const line of [...failures, ...checked.lost, ...checked.duplicated, ...checked.unexplained, ...checked.isolation].slice(0, 20)) say(`  ! ${line}`);
    say(`written to ${path.relative(root, outFile)}`);
    const ok = fiveXx === 0 && noAnswer === 0 && failures.length === 0 && checked.lost.length === 0 && checked.duplicated.length === 0 && checked.unexplained.length === 0 && checked.readModelBehind.length === 0 && checked.isolation.length === 0 && (checked.isolationReads > 0 || partners.length < 2);
    say(ok ? 'PASS' : 'FAIL');
    exitCode = ok ? 0 : 1;
  } finally {
    await connection.close().catch(() => undefined);
    await prisma.$disconnect().catch(() => undefined);
    say('Stopping the installation…');
    await inst.stop();
  }
  process.exit(exitCode);
}

/** An installation someone else started and stops (`--target`): nothing to start, nothing to stop. */
function targetInstallation(file: string): { apiUrl: string; dataDir: string; endpoints: { TEMPORAL_ADDRESS: string; DATABASE_URL: string }; namespace?: string; stop(): Promise<void> } {
  const t = JSON.parse(fs.readFileSync(file, 'utf8')) as { apiUrl: string; TEMPORAL_ADDRESS: string; DATABASE_URL: string; TEMPORAL_NAMESPACE?: string };
  return { apiUrl: t.apiUrl, dataDir: path.dirname(path.resolve(file)), endpoints: { TEMPORAL_ADDRESS: t.TEMPORAL_ADDRESS, DATABASE_URL: t.DATABASE_URL }, namespace: t.TEMPORAL_NAMESPACE, stop: async () => undefined };
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
