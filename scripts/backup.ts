/**
 * `npm run backup [-- --out=FILE]`: one archive with a consistent snapshot of the application
 * database, the embedded Temporal store, the uploaded deliverables and a manifest. Works while
 * `npm start` runs (it reads the endpoints that start wrote) or on a stopped installation.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createBackup } from '../infra/backup';
import { loadConfig, type Config } from '../infra/config';
import { startEmbeddedPostgres } from '../infra/embedded-postgres';

export function readRunningEndpoints(config: Config): { DATABASE_URL?: string } {
  const file = path.join(config.dataDir, 'endpoints.json');
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as { DATABASE_URL?: string }) : {};
}

export async function runBackup(config: Config, outFile?: string): Promise<string> {
  const out = outFile ?? path.join(config.dataDir, 'backups', `jalons-${new Date().toISOString().replace(/[:.]/g, '-')}.tar.gz`);
  const version = (JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
  let databaseUrl = config.DATABASE_URL ?? readRunningEndpoints(config).DATABASE_URL;
  let stop: (() => Promise<void>) | undefined;
  if (databaseUrl) {
    const reachable = await import('pg').then(async ({ default: pg }) => {
      const c = new pg.Client({ connectionString: databaseUrl });
      try {
        await c.connect();
        return true;
      } catch {
        return false;
      } finally {
        await c.end().catch(() => undefined);
      }
    });
    if (!reachable) databaseUrl = undefined;
  }
  if (!databaseUrl) {
    // A stopped installation: start its PostgreSQL just for the copy.
    const pgServer = await startEmbeddedPostgres({ dataDir: config.dataDir });
    databaseUrl = pgServer.url;
    stop = pgServer.stop;
  }
  try {
    await createBackup({ databaseUrl, dataDir: config.dataDir, outFile: out, appVersion: version });
    return out;
  } finally {
    await stop?.();
  }
}

/** Keeps the newest `keep` archives of DATA_DIR/backups. */
export function pruneBackups(config: Config): string[] {
  const dir = path.join(config.dataDir, 'backups');
  if (!fs.existsSync(dir)) return [];
  const archives = fs.readdirSync(dir).filter((f) => /^jalons-.*\.tar\.gz$/.test(f)).sort();
  const removed = archives.slice(0, Math.max(0, archives.length - config.BACKUP_KEEP));
  for (const f of removed) fs.rmSync(path.join(dir, f));
  return removed;
}

if (require.main === module) {
  const out = process.argv.find((a) => a.startsWith('--out='))?.slice('--out='.length);
  runBackup(loadConfig(), out)
    .then((file) => process.stdout.write(`Backup written: ${file}\n`))
    .catch((err) => {
      process.stderr.write(`Backup failed: ${(err as Error).message}\n`);
      process.exit(1);
    });
}
