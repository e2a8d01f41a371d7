import http from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { NativeConnection, Worker, type InjectedSinks, type WorkerOptions } from '@temporalio/worker';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pino, { type Logger } from 'pino';
import pinoPretty from 'pino-pretty';
import { createProgrammeActivities } from '../activities';
import { createTemplateStore } from '../activities/templates';
import type { Prisma } from '../generated/prisma/client';
import { digestCron, DIGEST_SCHEDULER_ID } from '../notifier/digest';
import { DIGEST_TICK_JOB, NOTIFICATION_QUEUE } from '../notifier/notification-job';
import { startNotificationWorker } from '../notifier/notification-worker';
import { DOMAIN_RATE_LIMIT, TEST_DOMAIN_RATE_LIMIT } from '../notifier/rate-limit';
import { createApp } from '../server/app';
import { AppError, toProblem } from '../server/errors';
import { createAuth, hashPassword } from '../server/auth';
import { createTemporalGateway } from '../server/temporal-gateway';
import { createLocalStorage } from '../server/storage';
import path from 'node:path';
import { ZPublishableTemplate, type TemplateInput } from '../domain/template-schema';
import type { ReadModelSinks } from '../workflows/read-model-repair';
import { programmeStateQuery } from '../workflows/programme';
import { startReadModelReconciler } from './read-model-reconciler';
import type { Config } from './config';
import { createPrisma, type PrismaClient } from './prisma';
import { temporalConnectionOptions } from './temporal-connection';
import type { ServiceEndpoints } from './services';

/**
 * pino logger: JSON lines, or on a terminal (LOG_FORMAT=auto) one short readable line per
 * event, e.g. `10:42:07 INFO: GET /api/v1/programmes 200 12 ms`.
 */
export function createLogger(config: Config, name: string): Logger {
  const pretty = config.LOG_FORMAT === 'pretty' || (config.LOG_FORMAT === 'auto' && process.stdout.isTTY === true);
  if (!pretty) return pino({ name, level: config.LOG_LEVEL });
  return pino(
    { name, level: config.LOG_LEVEL },
    pinoPretty({ colorize: true, singleLine: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,name,req,res,ms,reqId' }),
  );
}

/** Connection options (not a shared instance) so that BullMQ owns, and closes, its connections. */
export function bullConnection(redisUrl: string) {
  const u = new URL(redisUrl);
  return {
    host: u.hostname,
    port: Number(u.port || 6379),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    maxRetriesPerRequest: null,
  };
}

export function createNotificationQueue(redisUrl: string): Queue {
  return new Queue(NOTIFICATION_QUEUE, {
    connection: bullConnection(redisUrl),
    defaultJobOptions: { attempts: 10, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: { age: 7 * 24 * 3600 }, removeOnFail: false },
  });
}

export interface ApiRole {
  server: http.Server;
  url: string;
  stop(): Promise<void>;
}

export async function startApiRole(config: Config, endpoints: ServiceEndpoints, logger: Logger, port = config.PORT): Promise<ApiRole> {
  const prisma = createPrisma(endpoints.DATABASE_URL);
  // Fail fast when Redis is away (no offline queue): the API answers 503 or falls back, it never hangs.
  const redis = new Redis(endpoints.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false });
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  const queue = createNotificationQueue(endpoints.REDIS_URL);
  const connection = await Connection.connect(temporalConnectionOptions(config, endpoints.TEMPORAL_ADDRESS));
  const client = new Client({ connection, namespace: config.TEMPORAL_NAMESPACE });
  const app = createApp({
    config,
    prisma,
    redis,
    queue,
    temporal: createTemporalGateway(client, config.TEMPORAL_TASK_QUEUE, { dueTime: config.DUE_TIME, reminderHour: config.REMINDER_HOUR }),
    auth: createAuth({ prisma, redis, secureCookies: config.NODE_ENV === 'production' }),
    templates: createTemplateStore(prisma),
    logger,
    storage: createLocalStorage(path.join(config.dataDir, 'uploads')),
  });
  const server = http.createServer(app);
  // Node's HTTP parser refuses some requests before Express sees them (a URL or headers past its
  // limit, malformed framing) and would answer a bare status: answer a problem document instead.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const appError = err.code === 'HPE_HEADER_OVERFLOW' ? new AppError('request_header_too_large', 'The request line or headers are too long.') : new AppError('bad_request', 'The request could not be read as HTTP.');
    const body = JSON.stringify(toProblem(appError, randomUUID()));
    socket.end(`HTTP/1.1 ${appError.status} ${appError.status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, config.HOST, () => resolve()));
  const address = server.address();
  const url = `http://${config.HOST}:${typeof address === 'object' && address ? address.port : port}`;
  return {
    server,
    url,
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await Promise.allSettled([queue.close(), redis.quit(), prisma.$disconnect(), connection.close()]);
    },
  };
}

export interface WorkerRole {
  worker: Worker;
  run: Promise<void>;
  stop(): Promise<void>;
}

/**
 * Workflow interceptor modules every worker loads, and every bundle built for tests or replays:
 * the read-model repair after an abandoned workflow task (workflows/read-model-repair.ts).
 */
export const WORKFLOW_INTERCEPTOR_MODULES = [require.resolve('../workflows/read-model-repair')];

export async function startTemporalWorkerRole(
  config: Config,
  endpoints: ServiceEndpoints,
  logger: Logger,
  extra: Partial<Pick<WorkerOptions, 'workflowBundle' | 'taskQueue' | 'maxCachedWorkflows'>> = {},
): Promise<WorkerRole> {
  const prisma = createPrisma(endpoints.DATABASE_URL);
  const queue = createNotificationQueue(endpoints.REDIS_URL);
  const connection = await NativeConnection.connect(temporalConnectionOptions(config, endpoints.TEMPORAL_ADDRESS));
  const activities = createProgrammeActivities({ prisma, queue, reminderHour: config.REMINDER_HOUR, dueTime: config.DUE_TIME });
  const sinks: InjectedSinks<ReadModelSinks> = {
    // Not during replay: a repair is for the live retry of an abandoned task only. Errors are logged by the SDK.
    readModel: { repair: { fn: (_info, input) => activities.projectProgramme(input), callDuringReplay: false } },
  };
  const worker = await Worker.create({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: extra.taskQueue ?? config.TEMPORAL_TASK_QUEUE,
    ...(extra.workflowBundle ? { workflowBundle: extra.workflowBundle } : { workflowsPath: require.resolve('../workflows') }),
    // (A prebuilt bundle carries its own interceptor modules.) The topology drill's "new build" (a
    // patched behaviour) for its rolling deploy adds its module.
    interceptors: {
      workflowModules: [...WORKFLOW_INTERCEPTOR_MODULES, ...(config.WORKFLOW_DRILL_PATCH === 'rolling-deploy' ? [require.resolve('../workflows/drill-rolling-deploy')] : [])],
    },
    activities,
    sinks,
    workflowThreadPoolSize: config.TEMPORAL_WORKFLOW_THREADS,
    // Bounded shutdown: running activities get 10 s to finish, then the worker stops regardless.
    shutdownGraceTime: '10 seconds',
    shutdownForceTime: '15 seconds',
    ...(extra.maxCachedWorkflows !== undefined ? { maxCachedWorkflows: extra.maxCachedWorkflows } : {}),
  });
  const run = worker.run();
  run.catch((err) => logger.error({ err }, 'temporal worker stopped'));
  // Every worker checks settled projections against their workflows (abandoned workflow tasks).
  const clientConnection = config.READ_MODEL_CHECK_SECONDS > 0 ? await Connection.connect(temporalConnectionOptions(config, endpoints.TEMPORAL_ADDRESS)) : undefined;
  const client = clientConnection && new Client({ connection: clientConnection, namespace: config.TEMPORAL_NAMESPACE });
  const reconciler = client
    ? startReadModelReconciler(
        {
          prisma,
          describeHistoryLength: async (programmeId) => {
            try {
              return (await clientConnection!.withDeadline(Date.now() + 5000, () => client.workflow.getHandle(programmeId).describe())).historyLength;
            } catch (err) {
              if (err instanceof WorkflowNotFoundError) return undefined;
              throw err;
            }
          },
          queryState: (programmeId) => clientConnection!.withDeadline(Date.now() + 5000, () => client.workflow.getHandle(programmeId).query(programmeStateQuery)),
          project: (input) => activities.projectProgramme(input),
          logger,
        },
        { intervalMs: config.READ_MODEL_CHECK_SECONDS * 1000, settleMs: config.READ_MODEL_SETTLE_SECONDS * 1000, batch: 200 },
      )
    : undefined;
  return {
    worker,
    run,
    async stop() {
      await reconciler?.stop();
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await run.catch(() => undefined);
      await Promise.allSettled([queue.close(), prisma.$disconnect(), connection.close(), ...(clientConnection ? [clientConnection.close()] : [])]);
    },
  };
}

export async function startNotifierRole(config: Config, endpoints: ServiceEndpoints, logger: Logger, appUrl: string) {
  const prisma = createPrisma(endpoints.DATABASE_URL);
  const redis = new Redis(endpoints.REDIS_URL, { maxRetriesPerRequest: null });
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  const queue = createNotificationQueue(endpoints.REDIS_URL);
  queue.on('error', (err) => logger.warn({ err: err.message }, 'notification queue error'));
  // Idempotent: every replica upserts the same scheduler, BullMQ keeps one.
  await queue.upsertJobScheduler(DIGEST_SCHEDULER_ID, digestCron(), { name: DIGEST_TICK_JOB, opts: { attempts: 3, removeOnComplete: 30, removeOnFail: 30 } });
  const worker = startNotificationWorker({
    prisma,
    redis,
    queue,
    connection: bullConnection(endpoints.REDIS_URL),
    smtpUrl: endpoints.SMTP_URL,
    mailFrom: config.MAIL_FROM,
    appUrl,
    logger,
    concurrency: config.NOTIFIER_CONCURRENCY,
    smtpPool: { maxConnections: config.SMTP_MAX_CONNECTIONS, maxMessages: config.SMTP_MAX_MESSAGES },
    domainRateLimit: config.NODE_ENV === 'test' ? TEST_DOMAIN_RATE_LIMIT : DOMAIN_RATE_LIMIT,
  });
  return {
    worker,
    queue,
    async stop() {
      await worker.close();
      await Promise.allSettled([queue.close(), redis.quit(), prisma.$disconnect()]);
    },
  };
}

/** Publishes each built-in template unless that exact version exists; a changed definition needs a new version. */
export async function seedTemplates(prisma: PrismaClient, templates: TemplateInput[]): Promise<string[]> {
  const published: string[] = [];
  for (const input of templates) {
    const t = ZPublishableTemplate.parse(input);
    const existing = await prisma.template.findUnique({ where: { key_version: { key: t.key, version: t.version } } });
    if (existing) continue;
    await prisma.template.create({ data: { key: t.key, version: t.version, name: t.name.fr, definition: t as unknown as Prisma.InputJsonValue } });
    published.push(`${t.key}@${t.version}`);
  }
  return published;
}

/** The first admin: from JALONS_ADMIN_EMAIL / JALONS_ADMIN_PASSWORD, or a one-time password printed once. */
export async function seedAdmin(prisma: PrismaClient, config: Config): Promise<{ email: string; oneTimePassword?: string } | undefined> {
  const email = config.JALONS_ADMIN_EMAIL.toLowerCase();
  const existing = await prisma.user.findUnique({ where: { email } });
  if (existing) return undefined;
  const oneTimePassword = config.JALONS_ADMIN_PASSWORD ? undefined : randomBytes(12).toString('base64url');
  await prisma.user.create({
    data: { id: 'usr_admin', email, name: 'Administrateur', role: 'admin', passwordHash: await hashPassword(config.JALONS_ADMIN_PASSWORD ?? oneTimePassword!) },
  });
  return { email, oneTimePassword };
}
