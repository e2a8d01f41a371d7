import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { apiClient, createOrganisation, createUser, startHarness, type Harness, type TestUser } from '../support/harness';
import { fetchOpenApi, type OpenApiDocument } from '../support/route-catalogue';

/**
 * Schemathesis (PyPI) against the served OpenAPI document, once per role, with every check, a fixed
 * seed and a bounded budget: the document must tell the truth about what the server does. Zero
 * failures; the only refusals accepted of a schema-valid request are the business refusals the
 * document declares (tests/schemathesis/schemathesis.toml says which and why).
 *
 * The tool lives in a virtual environment of its own, pinned, under ~/.cache/jalons (outside the
 * clone), made on the first run from PyPI and reused afterwards.
 *
 * Budget (docs/testing-contract.md): `--max-examples 3` per operation and cycle for the fuzzing phase,
 * the coverage phase's boundary values for the read operations (once each), the stateful phase, two
 * workers per role, the four roles at once, each within `--max-time 150` seconds. On this 2-CPU
 * machine shared with other builds the same run without a time budget took 2.5 to over 5.5 minutes
 * per role depending on the load; the full coverage phase of every operation over 7 minutes per role,
 * which is why write operations are fuzzed instead.
 *
 * Left out of the run, each for a reason:
 * - POST /auth/logout ends the session every other request of the run uses;
 * - GET /events/stream never ends (Server-Sent Events); the read-isolation test covers it;
 * - for each role, the operations its role may not call (the document's `x-roles`): they answer 403
 *   before reading any input, which the authorisation matrix test checks route by route.
 * Deactivating oneself is refused by the server (409), so user deactivation stays in the run.
 */
const VERSION = '4.32.5';
const SEED = '20261201';
const MAX_EXAMPLES = '3';
const venv = path.join(os.homedir(), '.cache', 'jalons', `schemathesis-${VERSION}`);
const st = path.join(venv, 'bin', 'st');
const configDir = path.resolve(__dirname, '..', 'schemathesis');
const ROLES = ['admin', 'coordinator', 'manager', 'partner'] as const;
type Role = (typeof ROLES)[number];
/**
 * Each role's run has a time budget (`--max-time`): Schemathesis shares it among its phases and ends
 * the run when it is spent, whatever the machine's load (on a quiet machine the fuzzing and stateful
 * phases cycle again with new examples until then). The process timeout is only a safety net.
 */
const MAX_TIME_SECONDS = 150;
const ROLE_TIMEOUT_MS = (MAX_TIME_SECONDS + 90) * 1000;

interface ToolRun {
  status: number | null;
  output: string;
  ms: number;
}

/** Asynchronously: the API under test answers from this very process, a synchronous child would block it. */
function runTool(command: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs: number }): Promise<ToolRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env, cwd: opts.cwd });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (output += d.toString('utf8')));
    const timer = setTimeout(() => {
      output += `\n[killed after ${opts.timeoutMs / 1000} s]`;
      child.kill('SIGKILL');
    }, opts.timeoutMs);
    child.once('error', reject);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output, ms: Date.now() - started });
    });
  });
}

/** The pinned Schemathesis in its own virtual environment, installed once from PyPI. */
async function ensureSchemathesis(): Promise<void> {
  if (fs.existsSync(st)) {
    const version = await runTool(st, ['--version'], { timeoutMs: 60_000 });
    if (version.status === 0 && version.output.includes(VERSION)) return;
  }
  fs.rmSync(venv, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(venv), { recursive: true });
  const created = await runTool('python3', ['-m', 'venv', venv], { timeoutMs: 120_000 });
  if (created.status !== 0) throw new Error(`python3 -m venv failed (python3 with its venv module is needed):\n${created.output}`);
  const installed = await runTool(path.join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', `schemathesis==${VERSION}`], { timeoutMs: 600_000 });
  if (installed.status !== 0) {
    fs.rmSync(venv, { recursive: true, force: true });
    throw new Error(`pip install schemathesis==${VERSION} failed:\n${installed.output.slice(-4000)}`);
  }
}

/** Operations as Schemathesis names them (`METHOD /path`), with the roles that may call them. */
function operations(doc: OpenApiDocument): { name: string; roles: readonly Role[] }[] {
  return Object.entries(doc.paths).flatMap(([p, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ name: `${method.toUpperCase()} ${p}`, roles: (op['x-roles'] as Role[] | undefined) ?? ROLES })),
  );
}

/** One anchored regular expression matching exactly these operation names. */
function namesRegex(names: string[]): string {
  return `^(${names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`;
}

/**
 * The coverage phase (boundary values of every field, positive and negative) is not bounded by
 * --max-examples: over the whole document it is about 3,400 requests per role, far past the budget
 * (docs/testing-contract.md). Within it: the read operations (about 740 cases: ids, cursors, limits,
 * dates, the int4 bounds), once each, from the least privileged role that may call them (the values
 * are the same contract whoever sends them). Write operations get the fuzzing phase (bounded) from
 * every role that may call them, and the stateful phase.
 */
const COVERAGE_ORDER: Role[] = ['partner', 'manager', 'coordinator', 'admin'];
function coverageOwner(op: { name: string; roles: readonly Role[] }): Role | undefined {
  if (!op.name.startsWith('GET ')) return undefined;
  return COVERAGE_ORDER.find((r) => op.roles.includes(r));
}

/** The shared configuration, and for this role the operations whose coverage phase another role runs. */
function configFor(doc: OpenApiDocument, role: Role, dir: string): string {
  const others = operations(doc).filter((op) => op.roles.includes(role) && coverageOwner(op) !== role).map((op) => op.name);
  const file = path.join(dir, 'schemathesis.toml');
  const shared = fs.readFileSync(path.join(configDir, 'schemathesis.toml'), 'utf8');
  const own = others.length ? `\n[[operations]]\ninclude-name-regex = ${JSON.stringify(namesRegex(others))}\nphases.coverage.enabled = false\n` : '';
  fs.writeFileSync(file, shared + own);
  return file;
}

describe('Schemathesis: the OpenAPI document tells the truth, for every role', () => {
  let h: Harness;
  let doc: OpenApiDocument;
  const users = {} as Record<Role, TestUser>;
  const runs = new Map<Role, Promise<ToolRun>>();
  const reportDirs: string[] = [];

  beforeAll(async () => {
    await ensureSchemathesis();
    // Admins and managers see every programme: earlier files' programmes (no worker left on their
    // task queues, or rows written by hand) are not this run's to fuzz, and its archives not theirs.
    h = await startHarness({ notifier: false, ownDatabase: true });
    doc = await fetchOpenApi(h.apiUrl);
    const org = await createOrganisation(h);
    for (const role of ROLES) users[role] = await createUser(h, role, role === 'partner' ? org : undefined);
    // Something to read and act on: a programme of the coordinator's, with the partner's organisation in it.
    const started = await apiClient(h.apiUrl).post('/api/v1/programmes', { templateKey: 'defi', title: 'Programme Schemathesis', startDate: '2027-01-04' }, users.coordinator.token);
    expect(started.status).toBe(201);
    // The four roles at once: the run is bounded by waiting on the API, not by one CPU.
    for (const role of ROLES) runs.set(role, runSchemathesis(role));
  }, 900_000);

  afterAll(async () => {
    await Promise.allSettled(runs.values());
    // Its sign-in attempts lock the loopback address (failed sign-ins count per address): later files sign in from it.
    if (h) {
      const redis = new Redis(h.endpoints.REDIS_URL);
      const locks = await redis.keys('jalons:login-failures:*');
      if (locks.length) await redis.del(...locks);
      await redis.quit();
    }
    await h?.stop();
    for (const dir of reportDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  function runSchemathesis(role: Role): Promise<ToolRun> {
    const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), `schemathesis-${role}-`));
    reportDirs.push(reportDir);
    const forbidden = operations(doc).filter((op) => !op.roles.includes(role)).map((op) => op.name);
    const args = [
      '--config-file', configFor(doc, role, reportDir),
      'run', `${h.apiUrl}/api/v1/openapi.json`,
      '--checks', 'all',
      '--seed', SEED,
      '--max-examples', MAX_EXAMPLES,
      '--max-time', String(MAX_TIME_SECONDS),
      // No example database: runs do not depend on earlier ones, and nothing is written in the clone.
      '--generation-database', 'none',
      '--workers', '2',
      // The programme start's body (roles, a history of facts) is rich: hypothesis filters many drafts; that is the generator's concern, not the API's.
      '--suppress-health-check', 'filter_too_much',
      '--request-timeout', '60',
      '--no-color',
      '--exclude-path', '/api/v1/auth/logout',
      '--exclude-path', '/api/v1/events/stream',
      ...(forbidden.length ? ['--exclude-name-regex', namesRegex(forbidden)] : []),
      '--header', `Authorization: Bearer ${users[role].token}`,
      '--report', 'junit', '--report-dir', reportDir,
    ];
    return runTool(st, args, { cwd: reportDir, timeoutMs: ROLE_TIMEOUT_MS, env: { ...process.env, SCHEMATHESIS_HOOKS: path.join(configDir, 'hooks.py'), NO_COLOR: '1' } });
  }

  it.each(ROLES)('finds no failure as %s', async (role) => {
    const run = await runs.get(role)!;
    process.stdout.write(`[schemathesis] ${role}: ${Math.round(run.ms / 1000)} s, exit ${run.status}\n`);
    if (run.status !== 0) {
      // Request bodies can be long: the whole output goes to a file, the failures' headings to the message.
      const saved = path.join(os.tmpdir(), `schemathesis-${role}-${Date.now()}.log`);
      fs.writeFileSync(saved, run.output);
      const headings = run.output.split('\n').filter((l) => /_{5,}|ST\d{3}|^\s*\[\d{3}\]/.test(l)).map((l) => l.slice(0, 300));
      throw new Error(`schemathesis as ${role} exited ${run.status} (whole output: ${saved}):\n${headings.join('\n')}\n${run.output.slice(-6_000)}`);
    }
    // Every selected operation was exercised, and the summary says no failure.
    expect(run.output).toMatch(/Tested: \d+/);
    expect(run.output).not.toMatch(/\d+ failures?\b/);
  }, ROLE_TIMEOUT_MS + 30_000);
});
