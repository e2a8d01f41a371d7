import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Starts the real dependencies in their own process (scripts/start.ts --role=services) on
 * free ports with a throw-away data directory, so tests can run while `npm start` is up.
 */
export default async function globalSetup(): Promise<void> {
  const root = path.resolve(__dirname, '..', '..');
  const dataDir = path.join(root, 'data', `test-${process.pid}`);
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  const readyFile = path.join(dataDir, 'endpoints.json');
  const logFile = path.join(dataDir, 'services.log');
  const log = fs.openSync(logFile, 'a');
  const child = spawn(path.join(root, 'node_modules', '.bin', 'tsx'), ['scripts/start.ts', '--role=services', `--ready-file=${readyFile}`], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, NODE_ENV: 'test', LOG_LEVEL: 'warn' },
    stdio: ['ignore', log, log],
  });
  const started = Date.now();
  while (!fs.existsSync(readyFile)) {
    if (child.exitCode !== null) throw new Error(`Test services exited early (code ${child.exitCode}):\n${fs.readFileSync(logFile, 'utf8')}`);
    if (Date.now() - started > 180_000) {
      child.kill('SIGTERM');
      throw new Error(`Test services not ready after 180 s:\n${fs.readFileSync(logFile, 'utf8')}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const endpoints = JSON.parse(fs.readFileSync(readyFile, 'utf8')) as Record<string, string>;
  for (const [k, v] of Object.entries(endpoints)) if (v) process.env[k] = v;
  process.env.DATA_DIR = dataDir;
  process.env.NODE_ENV = 'test';
  process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'silent';
  process.env.JALONS_TEST_SERVICES_PID = String(child.pid);
  process.stdout.write(`\n[tests] services up in ${Math.round((Date.now() - started) / 100) / 10} s: ${JSON.stringify({ ...endpoints, DATABASE_URL: '(embedded)' })}\n`);
}
