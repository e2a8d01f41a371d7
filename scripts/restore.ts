/**
 * `npm run restore <archive>`: rebuilds a fresh installation in DATA_DIR (which must not hold a
 * database yet) from a backup; then `npm start` continues every programme where it was.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openBackup, restoreDatabase } from '../infra/backup';
import { loadConfig, type Config } from '../infra/config';
import { startEmbeddedPostgres } from '../infra/embedded-postgres';
import { applyMigrations } from '../infra/migrate';

export async function runRestore(config: Config, archive: string, say: (line: string) => void = () => undefined): Promise<void> {
  if (!fs.existsSync(archive)) throw new Error(`No such archive: ${archive}`);
  if (!config.DATABASE_URL && fs.existsSync(path.join(config.dataDir, 'pg', 'data', 'PG_VERSION'))) {
    throw new Error(`${config.dataDir} already holds a database: restore into an empty DATA_DIR.`);
  }
  const backup = await openBackup(archive);
  try {
    say(`archive of ${backup.manifest.createdAt}: ${Object.values(backup.manifest.tables).reduce((n, t) => n + t.rows, 0)} rows, ${backup.manifest.uploads.files} files${backup.manifest.temporal ? ', Temporal store' : ''}`);
    const pgServer = config.DATABASE_URL ? undefined : await startEmbeddedPostgres({ dataDir: config.dataDir });
    try {
      const url = config.DATABASE_URL ?? pgServer!.url;
      await applyMigrations(url);
      await restoreDatabase(url, backup.dir, backup.manifest);
    } finally {
      await pgServer?.stop();
    }
    if (backup.manifest.temporal) {
      if (config.TEMPORAL_ADDRESS) {
        say('TEMPORAL_ADDRESS is set: the embedded Temporal store in the archive is not restored (restore the cluster from its own backups).');
      } else {
        const target = path.join(config.dataDir, 'temporal', 'temporal.sqlite');
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.copyFileSync(path.join(backup.dir, backup.manifest.temporal.file), target);
      }
    }
    const uploads = path.join(backup.dir, 'uploads');
    if (fs.existsSync(uploads)) fs.cpSync(uploads, path.join(config.dataDir, 'uploads'), { recursive: true });
    say(`restored into ${config.dataDir}; run npm start`);
  } finally {
    backup.cleanup();
  }
}

if (require.main === module) {
  const archive = process.argv.slice(2).find((a) => !a.startsWith('--'));
  if (!archive) {
    process.stderr.write('Usage: npm run restore <archive.tar.gz>\n');
    process.exit(2);
  }
  runRestore(loadConfig(), path.resolve(archive), (l) => process.stdout.write(`${l}\n`)).catch((err) => {
    process.stderr.write(`Restore failed: ${(err as Error).message}\n`);
    process.exit(1);
  });
}
