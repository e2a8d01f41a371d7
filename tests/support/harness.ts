import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Runtime, type WorkflowBundle } from '@temporalio/worker';
import { Client, Connection } from '@temporalio/client';
import type { TemplateInput } from '../../domain/template-schema';
import { loadConfig, type Config } from '../../infra/config';
import { createPrisma, type PrismaClient } from '../../infra/prisma';
import { createLogger, seedTemplates, startApiRole, startNotifierRole, startTemporalWorkerRole, WORKFLOW_INTERCEPTOR_MODULES, type WorkerRole } from '../../infra/runtime';
import type { ServiceEndpoints } from '../../infra/services';
import { createIsolatedDatabase } from './isolated-database';
import { hashPassword } from '../../server/auth';

// Worker state changes are noise in test output; warnings and errors still show.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  /* already installed by an earlier test file in this process */
}

let bundle: Promise<WorkflowBundle> | undefined;
/** Bundling takes seconds: once per test file. */
export function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflowCode({ workflowsPath: path.resolve(__dirname, '../../workflows/index.ts'), workflowInterceptorModules: WORKFLOW_INTERCEPTOR_MODULES, logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} } as never });
  return bundle;
}

export interface Harness {
  config: Config;
  endpoints: ServiceEndpoints;
  apiUrl: string;
  prisma: PrismaClient;
  client: Client;
  taskQueue: string;
  worker: WorkerRole;
  restartWorker(): Promise<void>;
  killWorker(): Promise<void>;
  startWorker(): Promise<void>;
  stop(): Promise<void>;
}

/** API + Temporal worker + notifier in this process, on a task queue of their own, against the real services. */
export async function startHarness(
  opts: { notifier?: boolean; worker?: boolean; endpoints?: Partial<ServiceEndpoints>; ownDatabase?: boolean; readModelCheck?: { everySeconds: number; settleSeconds: number } } = {},
): Promise<Harness> {
  const taskQueue = `test-${randomUUID()}`;
  // The read-model reconciler is off unless a test asks for it: test files share one database, and
  // the programmes of earlier files have no worker left on their task queues to answer its Queries.
  const config: Config = {
    ...loadConfig(),
    TEMPORAL_TASK_QUEUE: taskQueue,
    READ_MODEL_CHECK_SECONDS: opts.readModelCheck?.everySeconds ?? 0,
    READ_MODEL_SETTLE_SECONDS: opts.readModelCheck?.settleSeconds ?? 15,
  };
  // `ownDatabase`: a database of its own, dropped by stop(), for a file whose promise covers everything
  // its users see (test files share one, in an order jest chooses). The reconciler always gets one: it
  // checks every row, and earlier files' programmes (no worker left to answer its Queries) fail. Since
  // the per-row back-off they no longer come first in every round, but each still costs its check's
  // deadline once, one after another, before this file's rows.
  const ownDatabase = (opts.ownDatabase || opts.readModelCheck) && !opts.endpoints?.DATABASE_URL ? await createIsolatedDatabase(config.DATABASE_URL!) : undefined;
  // Fault drills give a harness services of its own to break without disturbing other tests.
  const endpoints: ServiceEndpoints = {
    TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS!,
    DATABASE_URL: ownDatabase?.url ?? config.DATABASE_URL!,
    REDIS_URL: config.REDIS_URL!,
    SMTP_URL: config.SMTP_URL!,
    ...opts.endpoints,
  };
  const logger = createLogger({ ...config, LOG_LEVEL: 'silent' }, 'test');
  const prisma = createPrisma(endpoints.DATABASE_URL);
  const workflowBundleCode = await workflowBundle();
  const noWorker: WorkerRole = { worker: undefined as never, run: Promise.resolve(), stop: async () => undefined };
  let worker = opts.worker === false ? noWorker : await startTemporalWorkerRole(config, endpoints, logger, { taskQueue, workflowBundle: workflowBundleCode });
  const api = await startApiRole(config, endpoints, logger, 0);
  const notifier = opts.notifier === false ? undefined : await startNotifierRole(config, endpoints, logger, api.url);
  const connection = await Connection.connect({ address: endpoints.TEMPORAL_ADDRESS });
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const harness: Harness = {
    config,
    endpoints,
    apiUrl: api.url,
    prisma,
    client,
    taskQueue,
    get worker() {
      return worker;
    },
    async killWorker() {
      await worker.stop();
    },
    async startWorker() {
      worker = await startTemporalWorkerRole(config, endpoints, logger, { taskQueue, workflowBundle: workflowBundleCode });
    },
    async restartWorker() {
      await harness.killWorker();
      await harness.startWorker();
    },
    async stop() {
      await api.stop();
      await worker.stop();
      await notifier?.stop();
      await connection.close();
      await prisma.$disconnect();
      await ownDatabase?.drop();
    },
  };
  return harness;
}

export async function publishTemplates(prisma: PrismaClient, templates: TemplateInput[]): Promise<void> {
  await seedTemplates(prisma, templates);
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  token: string;
  organisationId?: string;
  /** The full name pages and the journal show for this user. */
  name: string;
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A thin fetch wrapper: JSON in, parsed JSON (or problem+json) out. */
export function apiClient(baseUrl: string) {
  async function call<T = any>(method: string, url: string, opts: { token?: string; body?: unknown; headers?: Record<string, string>; raw?: string } = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
    if (opts.body !== undefined || opts.raw !== undefined) headers['Content-Type'] ??= 'application/json';
    const res = await fetch(`${baseUrl}${url}`, { method, headers, body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)) });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON (iCalendar, HTML) */
    }
    return { status: res.status, body: body as T, headers: res.headers };
  }
  return {
    call,
    get: <T = any>(url: string, token?: string) => call<T>('GET', url, { token }),
    post: <T = any>(url: string, body: unknown, token?: string, headers?: Record<string, string>) => call<T>('POST', url, { body, token, headers }),
    patch: <T = any>(url: string, body: unknown, token?: string) => call<T>('PATCH', url, { body, token }),
  };
}

/**
 * First and last names people on screen carry (journal actors, teams, the admin's list). No first
 * name ends another and no last name begins another, so one full name is never part of another
 * (pages find a person by the name shown).
 */
const FIRST_NAMES = ['Camille', 'Léa', 'Manon', 'Chloé', 'Inès', 'Sarah', 'Clara', 'Louise', 'Margaux', 'Pauline', 'Élodie', 'Aurélie', 'Nadia', 'Fatima', 'Sophie', 'Hélène', 'Agathe', 'Mathilde', 'Lucie', 'Amandine', 'Thomas', 'Nicolas', 'Julien', 'Mathieu', 'Karim', 'Antoine', 'Hugo', 'Baptiste', 'Romain', 'Olivier', 'Sébastien', 'Yannick', 'Mehdi', 'Vincent', 'Guillaume', 'Benoît', 'Cédric', 'Damien', 'François', 'Arnaud'];
const LAST_NAMES = ['Martin', 'Bernard', 'Dubois', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Simon', 'Laurent', 'Lefebvre', 'Michel', 'Garcia', 'Roux', 'Fournier', 'Girard', 'Bonnet', 'Dupont', 'Lambert', 'Fontaine', 'Rousseau', 'Vincent', 'Muller', 'Faure', 'Mercier', 'Blanc', 'Guérin', 'Boyer', 'Garnier', 'Chevalier', 'Perrin', 'Morel', 'Gauthier', 'Robin', 'Clément', 'Masson', 'Marchand', 'Barbier', 'Brun', 'Caron', 'Renaud'];
const namesGiven = new Set<string>();

/**
 * A realistic French full name no other user of the shared test database carries (the product shows
 * users by name: a role code such as "coordinator 3dc0" would be a leak on every page it reaches).
 */
async function uniqueFullName(h: Harness): Promise<string> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const [a, b] = randomUUID().replace(/-/g, '').match(/.{8}/g)!.map((x) => parseInt(x, 16));
    const name = `${FIRST_NAMES[a! % FIRST_NAMES.length]} ${LAST_NAMES[b! % LAST_NAMES.length]}`;
    if (namesGiven.has(name)) continue;
    namesGiven.add(name);
    if (!(await h.prisma.user.findFirst({ where: { name }, select: { id: true } }))) return name;
  }
  throw new Error('createUser: no unused full name left');
}

/** Creates a user straight in the database (the admin API is tested separately) and signs in through the API. */
export async function createUser(h: Harness, role: 'admin' | 'coordinator' | 'manager' | 'partner', organisationId?: string): Promise<TestUser> {
  const id = `usr_${randomUUID()}`;
  const email = `${role}-${id.slice(4, 12)}@test.jalons`;
  const password = `pw-${randomUUID()}`;
  const name = await uniqueFullName(h);
  await h.prisma.user.create({ data: { id, email, name, role, organisationId: organisationId ?? null, passwordHash: await hashPassword(password) } });
  const res = await apiClient(h.apiUrl).post<{ token: string }>('/api/v1/auth/login', { email, password });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { id, email, password, token: res.body.token, organisationId, name };
}

export async function createOrganisation(h: Harness, name = `Org ${randomUUID().slice(0, 8)}`, kind = 'training-organisation'): Promise<string> {
  const id = `org_${randomUUID()}`;
  await h.prisma.organisation.create({ data: { id, name, kind } });
  return id;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
