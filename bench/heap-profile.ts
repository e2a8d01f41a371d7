/**
 * Where a cached workflow's memory goes (development aid behind docs/performance.md, metric 5):
 * opens N workflows on an in-process worker running workflows on the main thread (debugMode),
 * forces GC, and diffs two heap snapshots by object kind. RSS says what the process holds;
 * this says what is live JavaScript per workflow.
 *
 *   node --expose-gc --import tsx bench/heap-profile.ts [--minimal] [--template=ti-action-23] [--n=200]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import { createProgrammeActivities } from '../activities';
import { createTemplateStore } from '../activities/templates';
import { createNotificationQueue } from '../infra/runtime';
import { createTemporalGateway } from '../server/temporal-gateway';
import { startBenchEnv } from './env';
import { bumpUpdate, minimalWorkflow } from './minimal-workflows';
import { pool, sleepMs } from './support';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const minimal = process.argv.includes('--minimal');
const n = Number(arg('n') ?? 200);
const templateKey = arg('template') ?? 'ti-action-23';

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  gc();
}

/** Self size by object kind (constructor name for objects and closures). */
function bytesByKind(file: string): Map<string, number> {
  const snap = JSON.parse(fs.readFileSync(file, 'utf8')) as { snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }; nodes: number[]; strings: string[] };
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const [iType, iName, iSize] = [fields.indexOf('type'), fields.indexOf('name'), fields.indexOf('self_size')];
  const out = new Map<string, number>();
  for (let i = 0; i < snap.nodes.length; i += fields.length) {
    const type = types[snap.nodes[i + iType]!]!;
    const kind = type === 'object' || type === 'closure' ? `${type}:${snap.strings[snap.nodes[i + iName]!]}` : type;
    out.set(kind, (out.get(kind) ?? 0) + snap.nodes[i + iSize]!);
  }
  return out;
}

async function main(): Promise<void> {
  const env = await startBenchEnv(() => undefined);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'jalons-heap-'));
  try {
    const run = randomUUID().slice(0, 8);
    const queue = `heap-${run}`;
    const connection = await NativeConnection.connect({ address: env.endpoints.TEMPORAL_ADDRESS });
    const quiet = { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} } as never;
    const worker = await Worker.create({
      connection,
      taskQueue: queue,
      debugMode: true,
      workflowBundle: minimal ? env.minimalBundle : await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows'), logger: quiet }),
      activities: minimal ? { async woke() {}, async noop() {} } : createProgrammeActivities({ prisma: env.prisma, queue: createNotificationQueue(env.endpoints.REDIS_URL) }),
    });
    const running = worker.run();
    const template = await createTemplateStore(env.prisma).loadLatestTemplate(templateKey);
    const gateway = createTemporalGateway(env.client, queue);
    const startDate = new Date().toISOString().slice(0, 10);
    const open = (from: number, to: number) =>
      pool(Array.from({ length: to - from }, (_, i) => from + i), 16, (i): Promise<unknown> =>
        minimal
          ? env.client.workflow.executeUpdateWithStart(bumpUpdate, { startWorkflowOperation: new WithStartWorkflowOperation(minimalWorkflow, { workflowId: `heap-${run}-${i}`, taskQueue: queue, args: [], workflowIdConflictPolicy: 'USE_EXISTING' }) })
          : gateway.startProgramme({ programmeId: `prg_heap_${run}_${i}`, title: `Heap ${i}`, template, startDate, coordinatorId: 'usr_heap', dates: {}, slots: {} }),
      );
    const snapshot = async (name: string) => {
      await sleepMs(2000);
      collect();
      const usage = process.memoryUsage();
      return { usage, kinds: bytesByKind(v8.writeHeapSnapshot(path.join(dir, `${name}.heapsnapshot`))) };
    };
    await open(0, 20); // warm: code, caches, connections
    const before = await snapshot('before');
    await open(20, 20 + n);
    const after = await snapshot('after');
    const kib = (a: number, b: number) => ((b - a) / n / 1024).toFixed(1);
    process.stdout.write(`${minimal ? 'minimal workflow' : `programme workflow (${templateKey})`}, ${n} cached: live JS heap ${kib(before.usage.heapUsed, after.usage.heapUsed)} KiB per workflow, external ${kib(before.usage.external, after.usage.external)} KiB, process RSS ${kib(before.usage.rss, after.usage.rss)} KiB\n`);
    const diff = [...after.kinds].map(([k, v]) => [k, (v - (before.kinds.get(k) ?? 0)) / n] as const).sort((a, b) => b[1] - a[1]).slice(0, 15);
    for (const [kind, bytes] of diff) process.stdout.write(`  ${(bytes / 1024).toFixed(1)} KiB  ${kind}\n`);
    worker.shutdown();
    await running;
    await connection.close();
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await env.stop();
  }
  process.exit(0);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
