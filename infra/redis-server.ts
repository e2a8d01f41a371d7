import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { spawnService, type ManagedProcess } from './child-process';
import { findFreePort, waitForPort } from './ports';

export interface RedisServer extends ManagedProcess {
  url: string;
}

export function locateRedisServer(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('redis-server is missing: run `node scripts/bootstrap.mjs` (installs Debian\'s redis-server as root) or `apt-get install redis-server`, or set REDIS_URL.');
  }
}

/** A redis-server child with AOF on, so queued notifications survive a restart. */
export async function startRedisServer(opts: { dataDir: string; persistent: boolean; preferredPort?: number }): Promise<RedisServer> {
  const dir = path.join(opts.dataDir, 'redis');
  fs.mkdirSync(dir, { recursive: true });
  const port = await findFreePort(opts.preferredPort ?? 0);
  const args = [
    '--port', String(port),
    '--bind', '127.0.0.1',
    '--dir', dir,
    '--appendonly', opts.persistent ? 'yes' : 'no',
    '--appendfsync', 'everysec',
    '--save', '',
    '--maxmemory-policy', 'noeviction',
    '--daemonize', 'no',
  ];
  const proc = spawnService('redis', locateRedisServer(), args, path.join(dir, 'redis.log'), { runDir: path.join(opts.dataDir, 'run') });
  try {
    await Promise.race([waitForPort(port, '127.0.0.1', 20_000), proc.exited]);
  } catch (err) {
    await proc.stop(5_000);
    throw new Error(`redis-server did not start: ${(err as Error).message}`);
  }
  return { ...proc, url: `redis://127.0.0.1:${port}` };
}
