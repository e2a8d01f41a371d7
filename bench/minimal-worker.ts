/**
 * A worker process for the minimal baseline workflows, the counterpart of
 * `tsx scripts/start.ts --role=worker` in the footprint measurement: same SDK defaults
 * (cache size, reused V8 context) and workflow threads, nothing else.
 *   tsx bench/minimal-worker.ts --address=host:port --queue=name --threads=n
 */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';

function argument(name: string): string {
  const value = process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  if (!value) throw new Error(`--${name}= is required`);
  return value;
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const connection = await NativeConnection.connect({ address: argument('address') });
  const worker = await Worker.create({
    connection,
    taskQueue: argument('queue'),
    workflowsPath: require.resolve('./minimal-workflows'),
    activities: { async woke() {}, async noop() {} },
    // The same number of workflow threads as the application's worker (TEMPORAL_WORKFLOW_THREADS).
    workflowThreadPoolSize: Number(argument('threads')),
  });
  const stop = () => worker.getState() === 'RUNNING' && worker.shutdown();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  await worker.run();
  await connection.close();
}

main().catch((err) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
