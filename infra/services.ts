import fs from 'node:fs';
import path from 'node:path';
import type { Config } from './config';
import { startEmbeddedPostgres } from './embedded-postgres';
import { startRedisServer } from './redis-server';
import { startTemporalDevServer } from './temporal-dev-server';
import { startSmtpCatcher } from '../notifier/smtp-catcher';

export interface ServiceEndpoints {
  TEMPORAL_ADDRESS: string;
  TEMPORAL_UI_URL?: string;
  DATABASE_URL: string;
  REDIS_URL: string;
  SMTP_URL: string;
  MAIL_DIR?: string;
}

export interface RunningServices {
  endpoints: ServiceEndpoints;
  stop(): Promise<void>;
}

/**
 * Starts the embedded default of every dependency whose URL the configuration leaves
 * empty; an external URL skips the embedded one. They start in parallel: none needs another.
 */
export async function startServices(config: Config, opts: { persistent: boolean; log?: (line: string) => void }): Promise<RunningServices> {
  const log = opts.log ?? (() => undefined);
  fs.mkdirSync(config.dataDir, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  const track = <T extends { stop(): Promise<void> }>(p: Promise<T>): Promise<T> => p.then((s) => (stops.push(() => s.stop()), s));
  try {
    // allSettled, not all: when one fails, the others must have finished starting before we stop them.
    const settled = await Promise.allSettled([
      config.TEMPORAL_ADDRESS
        ? undefined
        : track(startTemporalDevServer({ dataDir: config.dataDir, cliPath: config.TEMPORAL_CLI_PATH, namespace: config.TEMPORAL_NAMESPACE, persistent: opts.persistent, preferredPort: opts.persistent ? 7233 : 0 })),
      config.DATABASE_URL ? undefined : track(startEmbeddedPostgres({ dataDir: config.dataDir, preferredPort: opts.persistent ? 5433 : 0 })),
      config.REDIS_URL ? undefined : track(startRedisServer({ dataDir: config.dataDir, persistent: opts.persistent, preferredPort: opts.persistent ? 6380 : 0 })),
      config.SMTP_URL ? undefined : track(startSmtpCatcher({ dir: path.join(config.dataDir, 'mail'), port: 0 })),
    ] as const);
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    const [temporal, postgres, redis, smtp] = settled.map((r) => (r as PromiseFulfilledResult<unknown>).value) as [
      Awaited<ReturnType<typeof startTemporalDevServer>> | undefined,
      Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined,
      Awaited<ReturnType<typeof startRedisServer>> | undefined,
      Awaited<ReturnType<typeof startSmtpCatcher>> | undefined,
    ];
    if (temporal) log(`temporal   ${temporal.address} (web UI ${temporal.uiUrl})`);
    if (postgres) log(`postgresql ${postgres.url.replace(/:[^:@/]+@/, ':***@')}`);
    if (redis) log(`redis      ${redis.url}`);
    if (smtp) log(`smtp       ${smtp.url} (messages under ${path.join(config.dataDir, 'mail')})`);
    return {
      endpoints: {
        TEMPORAL_ADDRESS: config.TEMPORAL_ADDRESS ?? temporal!.address,
        TEMPORAL_UI_URL: config.TEMPORAL_UI_URL ?? temporal?.uiUrl,
        DATABASE_URL: config.DATABASE_URL ?? postgres!.url,
        REDIS_URL: config.REDIS_URL ?? redis!.url,
        SMTP_URL: config.SMTP_URL ?? smtp!.url,
        MAIL_DIR: smtp ? path.join(config.dataDir, 'mail') : undefined,
      },
      stop: () => stopAll(stops),
    };
  } catch (err) {
    await stopAll(stops);
    throw err;
  }
}

async function stopAll(stops: (() => Promise<void>)[]): Promise<void> {
  await Promise.allSettled(stops.reverse().map((s) => s()));
}
