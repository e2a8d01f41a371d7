import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import * as tar from 'tar';
import { listMigrations } from './migrate';

/**
 * One archive holds everything needed to rebuild an installation: the application database
 * (every table, read in one REPEATABLE READ snapshot), the embedded Temporal store (SQLite
 * online backup, consistent while the server writes), the uploaded deliverables and a manifest
 * with versions and checksums. The database is read before Temporal, so a restored Temporal is
 * never behind its read model: projections catch up as programmes move.
 */
export const BACKUP_FORMAT = 1;

/** Tables in foreign-key order; _prisma_migrations is rebuilt by the migrations themselves. */
export const BACKUP_TABLES = ['organisations', 'users', 'templates', 'programmes', 'steps', 'enrolments', 'programme_events', 'notifications'] as const;

export interface BackupManifest {
  format: number;
  createdAt: string;
  app: { name: string; version: string };
  migrations: string[];
  tables: Record<string, { rows: number; file: string; sha256: string }>;
  temporal: { file: string; sha256: string; bytes: number } | null;
  uploads: { files: number; bytes: number; sha256: Record<string, string> };
}

function sha256File(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

export async function createBackup(opts: { databaseUrl: string; dataDir: string; outFile: string; appVersion: string; temporalSqlite?: string }): Promise<BackupManifest> {
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'jalons-backup-'));
  try {
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      createdAt: new Date().toISOString(),
      app: { name: 'jalons', version: opts.appVersion },
      migrations: listMigrations().map((m) => m.name),
      tables: {},
      temporal: null,
      uploads: { files: 0, bytes: 0, sha256: {} },
    };
    fs.mkdirSync(path.join(staging, 'db'));
    const client = new pg.Client({ connectionString: opts.databaseUrl });
    await client.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      for (const table of BACKUP_TABLES) {
        const rows = await client.query<{ row: unknown }>(`SELECT row_to_json(t) AS row FROM "${table}" t`);
        const file = path.join('db', `${table}.jsonl`);
        fs.writeFileSync(path.join(staging, file), rows.rows.map((r) => JSON.stringify(r.row)).join('\n') + (rows.rows.length ? '\n' : ''));
        manifest.tables[table] = { rows: rows.rowCount ?? 0, file, sha256: sha256File(path.join(staging, file)) };
      }
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
    const sqlite = opts.temporalSqlite ?? path.join(opts.dataDir, 'temporal', 'temporal.sqlite');
    if (fs.existsSync(sqlite)) {
      fs.mkdirSync(path.join(staging, 'temporal'));
      const target = path.join(staging, 'temporal', 'temporal.sqlite');
      // SQLite's online backup API: a consistent copy even while the dev server writes (WAL).
      try {
        execFileSync('sqlite3', [sqlite, `.backup '${target.replace(/'/g, "''")}'`], { stdio: 'pipe' });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('sqlite3 is not installed: it copies the Temporal store (Debian/Ubuntu: apt-get install sqlite3).');
        throw err;
      }
      manifest.temporal = { file: 'temporal/temporal.sqlite', sha256: sha256File(target), bytes: fs.statSync(target).size };
    }
    const uploads = path.join(opts.dataDir, 'uploads');
    for (const file of walk(uploads)) {
      const rel = path.relative(uploads, file);
      if (rel.startsWith('tmp')) continue;
      const dest = path.join(staging, 'uploads', rel);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.copyFileSync(file, dest);
      manifest.uploads.files += 1;
      manifest.uploads.bytes += fs.statSync(dest).size;
      manifest.uploads.sha256[rel] = sha256File(dest);
    }
    fs.writeFileSync(path.join(staging, 'manifest.json'), JSON.stringify(manifest, null, 2));
    fs.mkdirSync(path.dirname(path.resolve(opts.outFile)), { recursive: true });
    await tar.create({ gzip: true, file: opts.outFile, cwd: staging, portable: true }, fs.readdirSync(staging));
    return manifest;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Unpacks and verifies an archive; throws on any checksum mismatch. */
export async function openBackup(archive: string): Promise<{ dir: string; manifest: BackupManifest; cleanup(): void }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jalons-restore-'));
  await tar.extract({ file: archive, cwd: dir, strict: true });
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as BackupManifest;
  if (manifest.format !== BACKUP_FORMAT) throw new Error(`Unsupported backup format ${manifest.format}`);
  const check = (rel: string, expected: string) => {
    if (sha256File(path.join(dir, rel)) !== expected) throw new Error(`Checksum mismatch for ${rel}: the archive is damaged.`);
  };
  for (const t of Object.values(manifest.tables)) check(t.file, t.sha256);
  if (manifest.temporal) check(manifest.temporal.file, manifest.temporal.sha256);
  for (const [rel, sum] of Object.entries(manifest.uploads.sha256)) check(path.join('uploads', rel), sum);
  const known = new Set(listMigrations().map((m) => m.name));
  const unknown = manifest.migrations.filter((m) => !known.has(m));
  if (unknown.length) throw new Error(`The backup comes from a newer version (migrations ${unknown.join(', ')}); restore it with that version.`);
  return { dir, manifest, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** Loads the tables into an empty, migrated database, in one transaction. */
export async function restoreDatabase(databaseUrl: string, dir: string, manifest: BackupManifest): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const existing = await client.query<{ n: string }>('SELECT count(*) AS n FROM programmes');
    if (Number(existing.rows[0]!.n) > 0) throw new Error('The target database already holds programmes: restore into an empty installation.');
    await client.query('BEGIN');
    // Seeded rows (built-in templates, first admin) give way to the archive's; children first.
    for (const table of [...BACKUP_TABLES].reverse()) await client.query(`DELETE FROM "${table}"`);
    for (const table of BACKUP_TABLES) {
      const entry = manifest.tables[table];
      if (!entry) continue;
      const lines = fs.readFileSync(path.join(dir, entry.file), 'utf8').split('\n').filter(Boolean);
      for (let i = 0; i < lines.length; i += 500) {
        const batch = `[${lines.slice(i, i + 500).join(',')}]`;
        await client.query(`INSERT INTO "${table}" SELECT * FROM json_populate_recordset(NULL::"${table}", $1::json)`, [batch]);
      }
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}
