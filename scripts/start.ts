/**
 * `npm start`: brings up every missing dependency (Temporal dev server, PostgreSQL, Redis,
 * SMTP catcher), migrates, seeds, then runs the API, the Temporal worker and the
 * notification worker in this process. Ctrl-C stops everything it started.
 *
 * Roles for scale-out (each needs TEMPORAL_ADDRESS, DATABASE_URL, REDIS_URL set):
 *   --role=api | worker | notifier | migrate
 * Tests use --role=services --ready-file=F: dependencies only, endpoints written to F as JSON.
 */
import fs from 'node:fs';
import path from 'node:path';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { loadConfig } from '../infra/config';
import { applyMigrations } from '../infra/migrate';
import { createPrisma } from '../infra/prisma';
import { createLogger, seedAdmin, seedTemplates, startApiRole, startNotifierRole, startTemporalWorkerRole } from '../infra/runtime';
import { startServices, type RunningServices, type ServiceEndpoints } from '../infra/services';
import { BUILT_IN_TEMPLATES } from '../templates';
import { pruneBackups, runBackup } from './backup';
import { loadDemo } from './demo';

type Role = 'all' | 'api' | 'worker' | 'notifier' | 'migrate' | 'services';

function argument(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

const say = (line: string) => process.stdout.write(`${line}\n`);
interface Stop {
  name: string;
  stop(): Promise<void>;
  /** How long we wait for it before going on with the next one (its own stop forces after its grace). */
  limitMs: number;
}
const stops: Stop[] = [];
let stopping = false;
/** Past this, whatever still hangs is abandoned: the embedded services die with us (parent-death signal). */
const SHUTDOWN_LIMIT_MS = 60_000;

/**
 * Stops what this process started, newest first (API before worker before databases). Each step
 * is bounded, so a hung worker never keeps the databases running; a second Ctrl-C forces the exit.
 */
let stoppingSince = 0;
async function shutdown(code: number): Promise<void> {
  if (stopping) {
    // One Ctrl-C reaches us twice (from the terminal and relayed by tsx): only a later one forces.
    if (Date.now() - stoppingSince < 2_000) return;
    say('Forced stop.');
    process.exit(code || 130);
  }
  stopping = true;
  stoppingSince = Date.now();
  say('Stopping…');
  setTimeout(() => {
    say(`Some parts did not stop within ${SHUTDOWN_LIMIT_MS / 1000} s; exiting anyway.`);
    process.exit(code || 1);
  }, SHUTDOWN_LIMIT_MS).unref();
  for (const { name, stop, limitMs } of stops.reverse()) {
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      stop().then(
        () => 'stopped',
        (err: unknown) => `failed to stop (${err instanceof Error ? err.message : String(err)})`,
      ),
      new Promise<string>((resolve) => (timer = setTimeout(() => resolve(`still stopping after ${limitMs / 1000} s, going on`), limitMs))),
    ]);
    clearTimeout(timer);
    if (outcome !== 'stopped') say(`  ${name}: ${outcome}`);
  }
  process.exit(code);
}

/** One sentence for a person, no stack trace; details stay in the service logs it names. */
function fail(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`\nJalons could not start: ${message}\n\n`);
  void shutdown(1);
}

async function main(): Promise<void> {
  const role = (argument('role') ?? 'all') as Role;
  if (!['all', 'api', 'worker', 'notifier', 'migrate', 'services'].includes(role)) throw new Error(`Unknown role "${role}"`);
  const config = loadConfig();
  const logger = createLogger(config, `jalons-${role}`);
  // The SDK's own info lines (bundle sizes, state changes) drown the start banner.
  Runtime.install({ logger: new DefaultLogger(config.LOG_LEVEL === 'debug' || config.LOG_LEVEL === 'trace' ? 'DEBUG' : 'WARN') });
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGHUP', () => void shutdown(0));
  process.on('unhandledRejection', fail);
  process.on('uncaughtException', fail);

  let endpoints: ServiceEndpoints;
  if (role === 'all' || role === 'services') {
    claimDataDir(config.dataDir);
    const services: RunningServices = await startServices(config, { persistent: role === 'all' || argument('persistent') === 'true', log: (l) => say(`  ${l}`) });
    stops.push({ name: 'embedded services', stop: services.stop, limitMs: 40_000 });
    endpoints = services.endpoints;
  } else {
    if (!config.TEMPORAL_ADDRESS || !config.DATABASE_URL || !config.REDIS_URL) {
      throw new Error(`--role=${role} runs against existing services: set TEMPORAL_ADDRESS, DATABASE_URL and REDIS_URL (and SMTP_URL for the notifier).`);
    }
    endpoints = { TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS, DATABASE_URL: config.DATABASE_URL, REDIS_URL: config.REDIS_URL, SMTP_URL: config.SMTP_URL ?? 'smtp://127.0.0.1:1025', TEMPORAL_UI_URL: config.TEMPORAL_UI_URL };
  }

  if (role === 'all' || role === 'services' || role === 'migrate') {
    const migrated = await applyMigrations(endpoints.DATABASE_URL);
    if (migrated.applied.length) say(`  migrations applied: ${migrated.applied.join(', ')}`);
    const prisma = createPrisma(endpoints.DATABASE_URL);
    try {
      const published = await seedTemplates(prisma, BUILT_IN_TEMPLATES);
      if (published.length) say(`  templates published: ${published.join(', ')}`);
      const admin = await seedAdmin(prisma, config);
      if (admin?.oneTimePassword) say(`\n  First admin: ${admin.email}\n  One-time password (shown once, change it): ${admin.oneTimePassword}\n`);
      else if (admin) say(`  first admin created: ${admin.email}`);
    } finally {
      await prisma.$disconnect();
    }
  }

  if (role === 'all') {
    // Backups and `npm run backup` find the embedded services through this file.
    fs.writeFileSync(path.join(config.dataDir, 'endpoints.json'), JSON.stringify({ ...endpoints, pid: process.pid }));
    stops.push({ name: 'endpoints file', stop: async () => fs.rmSync(path.join(config.dataDir, 'endpoints.json'), { force: true }), limitMs: 1_000 });
    if (config.BACKUP_INTERVAL_HOURS > 0) {
      const timer = setInterval(() => {
        runBackup(config)
          .then((file) => {
            logger.info({ file, pruned: pruneBackups(config) }, 'scheduled backup written');
          })
          .catch((err) => logger.error({ err }, 'scheduled backup failed'));
      }, config.BACKUP_INTERVAL_HOURS * 3600_000);
      timer.unref();
      stops.push({ name: 'backup timer', stop: async () => clearInterval(timer), limitMs: 1_000 });
    }
  }

  if (role === 'services') {
    const readyFile = argument('ready-file');
    if (readyFile) fs.writeFileSync(readyFile, JSON.stringify(endpoints));
    say('services ready');
    return;
  }
  if (role === 'migrate') return shutdown(0);

  const appUrl = config.APP_URL ?? `http://localhost:${config.PORT}`;
  if (role === 'all' || role === 'worker') {
    const worker = await startTemporalWorkerRole(config, endpoints, logger);
    stops.push({ name: 'Temporal worker', stop: worker.stop, limitMs: 20_000 });
  }
  if (role === 'all' || role === 'notifier') {
    const notifier = await startNotifierRole(config, endpoints, logger, appUrl);
    stops.push({ name: 'notifier', stop: notifier.stop, limitMs: 15_000 });
  }
  if (role === 'all' || role === 'api') {
    const api = await startApiRole(config, endpoints, logger);
    stops.push({ name: 'API', stop: api.stop, limitMs: 10_000 });
    say(`\nJalons is up.\n  App:         ${api.url}   (health: ${api.url}/healthz, API reference: ${api.url}/api/v1/docs)`);
    if (endpoints.TEMPORAL_UI_URL) say(`  Temporal UI: ${endpoints.TEMPORAL_UI_URL}`);
    if (endpoints.MAIL_DIR) say(`  E-mails:     ${endpoints.MAIL_DIR} (local SMTP catcher)`);
    if (process.argv.includes('--demo')) {
      say('\nLoading the 2021 demo data set…');
      await loadDemo(api.url, endpoints.DATABASE_URL, (l) => say(l));
    }
    say('  Ctrl-C stops everything.');
  }
}

/**
 * One `npm start` per data directory: a second one would start second servers on the same
 * files. A record left by a killed run (its process gone) is taken over.
 * @throws Error naming the running process.
 */
function claimDataDir(dataDir: string): void {
  const runDir = path.join(dataDir, 'run');
  fs.mkdirSync(runDir, { recursive: true });
  const lock = path.join(runDir, 'jalons.pid');
  const holder = Number(fs.existsSync(lock) ? fs.readFileSync(lock, 'utf8').trim() : NaN);
  if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
    throw new Error(`Jalons is already running on ${dataDir} (process ${holder}): stop it first (Ctrl-C in its terminal), or set another DATA_DIR.`);
  }
  fs.writeFileSync(lock, `${process.pid}\n`);
  stops.unshift({ name: 'data directory lock', stop: async () => fs.rmSync(lock, { force: true }), limitMs: 1_000 });
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

main().catch(fail);
