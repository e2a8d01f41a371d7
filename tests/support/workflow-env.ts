import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import { createCalendarActivities } from '../../activities/calendar';
import type { ProgrammeActivities } from '../../activities';
import type { ProgrammeState } from '../../domain/programme-state';
import { startTemporalDevServer, type TemporalDevServer } from '../../infra/temporal-dev-server';
import type { NotificationRequest } from '../../domain/programme';

// Worker state changes are noise in test output; warnings and errors still show.
try {
  Runtime.install({ logger: new DefaultLogger('WARN') });
} catch {
  /* already installed by an earlier test file in this process */
}

let bundle: Promise<WorkflowBundle> | undefined;
/** Bundled once per file (not through tests/support/harness.ts: it loads the whole server). */
function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflowCode({ workflowsPath: path.resolve(__dirname, '../../workflows/index.ts'), logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} } as never });
  return bundle;
}

/**
 * Fast workflow tests: the real workflow code on a throw-away Temporal dev server (in memory, the
 * CLI `scripts/bootstrap.mjs` provides, search attributes registered) through @temporalio/testing,
 * with the activities that touch PostgreSQL and Redis replaced by recorders. The calendar
 * activities are pure and run as they are. Time is real: the dev server cannot skip time (the
 * Java test server, which can, is not used here), so templates use second-scale offsets.
 */
export interface WorkflowTestEnv {
  env: TestWorkflowEnvironment;
  stop(): Promise<void>;
}

export async function startWorkflowTestEnv(): Promise<WorkflowTestEnv> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'jalons-wf-'));
  let server: TemporalDevServer | undefined;
  try {
    server = await startTemporalDevServer({ dataDir, namespace: 'default', persistent: false });
    const env = await TestWorkflowEnvironment.createFromExistingServer({ address: server.address, namespace: 'default' });
    return {
      env,
      async stop() {
        await env.teardown();
        await server!.stop(5_000);
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await server?.stop(5_000);
    throw err;
  }
}

export interface QueuedNotifications {
  /** Wall-clock time the activity ran. */
  at: number;
  requests: NotificationRequest[];
}

/** Activities that record instead of writing: projections (state copies) and queued notifications. */
export function recordingActivities() {
  const projections: ProgrammeState[] = [];
  const queued: QueuedNotifications[] = [];
  const activities: ProgrammeActivities = {
    ...createCalendarActivities(),
    async projectProgramme({ state }: { template: { key: string; version: number }; state: ProgrammeState }) {
      projections.push(structuredClone(state));
    },
    async enqueueNotifications(input: { requests: NotificationRequest[] }) {
      queued.push({ at: Date.now(), requests: structuredClone(input.requests) });
      return input.requests.length;
    },
    async loadTemplate(key: string) {
      throw new Error(`No template ${key} in workflow tests`);
    },
  } as unknown as ProgrammeActivities;
  const reminders = () => queued.flatMap((q) => q.requests.filter((r) => typeof r.data?.reminderKey === 'string').map((r) => ({ at: q.at, ...r })));
  return { activities, projections, queued, reminders };
}

let taskQueues = 0;

/** Runs `fn` with a worker on a task queue of its own. */
export async function withWorker<T>(t: WorkflowTestEnv, activities: ProgrammeActivities, fn: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `wf-test-${process.pid}-${++taskQueues}`;
  const worker = await Worker.create({ connection: t.env.nativeConnection, namespace: 'default', taskQueue, workflowBundle: await workflowBundle(), activities });
  return worker.runUntil(fn(taskQueue));
}

/** Replays a history saved by `fetchHistory()` (tests/fixtures/) against today's workflow code; returns the errors. */
export async function replayFixture(file: string): Promise<string[]> {
  const history = temporal.api.history.v1.History.fromObject(JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', 'fixtures', file), 'utf8')));
  const errors: string[] = [];
  for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, [{ workflowId: file, history }])) {
    if (result.error) errors.push(String(result.error));
  }
  return errors;
}
