/**
 * 1. Step completion latency through the HTTP API (Update round-trip included) next to a bare
 *    Update on the minimal workflow; 2. programme start throughput (DEFI, POST /programmes,
 *    concurrency 8) next to bare `client.workflow.start` of the minimal workflow.
 */
import { randomUUID } from 'node:crypto';
import { WithStartWorkflowOperation } from '@temporalio/client';
import { createProjectionActivities } from '../../activities/projection';
import { createTemplateStore } from '../../activities/templates';
import type { ProgrammeState } from '../../domain/programme-state';
import type { BenchEnv } from '../env';
import { describe, profileUpdates, summarise } from '../history-profile';
import { bumpAfterLocalActivityUpdate, bumpUpdate, minimalWorkflow } from '../minimal-workflows';
import { expectOk, percentile, pool, row, timed, type Metric } from '../support';

const CONCURRENCY = 8;
/** DEFI launch-phase steps a coordinator can complete in a row without deliverables. */
const COMPLETABLE = ['partner-mobilisation', 'partner-allocation', 'framing-evaluation'];
const WARM_UP = 5;
/** The step a completion opens, which the next read must show active. */
const NEXT_STEP: Record<string, string> = { 'partner-mobilisation': 'partner-allocation' };

export interface EngineResult {
  metrics: Metric[];
  notes: string[];
}

export async function benchEngine(env: BenchEnv, opts: { programmes: number; say: (l: string) => void; label?: string; minimalQueue?: string }): Promise<EngineResult> {
  const { say } = opts;
  const minimalQueue = opts.minimalQueue ?? env.minimalQueue;
  const suffix = opts.label ? ` (${opts.label})` : '';
  const tag = opts.label ? `${opts.label}: ` : '';
  const coordinator = await env.createUser('coordinator');
  const today = new Date().toISOString().slice(0, 10);
  const run = randomUUID().slice(0, 8);
  const startDefi = (i: number) =>
    expectOk(env.http.call<{ id: string }>('POST', '/api/v1/programmes', coordinator.token, { templateKey: 'defi', title: `DEFI bench ${run} ${i}`, startDate: today }), 'start DEFI');

  // Warm-up: the first starts pay for caches, connections and JIT.
  await pool([0, 1, 2, 3], 4, (i) => startDefi(-1 - i));
  const n = opts.programmes;
  const app = await timed(() => pool(Array.from({ length: n }, (_, i) => i), CONCURRENCY, (i) => startDefi(i)));
  const appRate = n / (app.ms / 1000);
  say(`  2. ${n} DEFI programmes started in ${(app.ms / 1000).toFixed(1)} s (${appRate.toFixed(1)}/s)`);

  const bareN = Math.max(n, 200);
  const bareStart = (i: number) => env.client.workflow.start(minimalWorkflow, { taskQueue: minimalQueue, workflowId: `bench-min-${run}-${i}`, args: [] });
  await pool([0, 1, 2, 3], 4, (i) => bareStart(-1 - i));
  const bare = await timed(() => pool(Array.from({ length: bareN }, (_, i) => i), CONCURRENCY, (i) => bareStart(i)));
  const bareRate = bareN / (bare.ms / 1000);
  say(`     ${bareN} bare workflow starts in ${(bare.ms / 1000).toFixed(1)} s (${bareRate.toFixed(1)}/s)`);

  // 1. Sequential completions (one in flight), so that each sample is one request's latency.
  // Each is followed at once (untimed) by a read of the programme, as the Camunda harness reads its
  // task list: a read-your-writes miss is a read that does not show the step completed or, after
  // the partner mobilisation, the allocation open.
  const ids = app.value.map((p) => p.id);
  const completions: number[] = [];
  const missed: boolean[] = [];
  for (const step of COMPLETABLE) {
    for (const id of ids) {
      const { ms } = await timed(() => expectOk(env.http.call('POST', `/api/v1/programmes/${id}/steps/${step}/complete`, coordinator.token, {}), `complete ${step}`));
      completions.push(ms);
      const read = await expectOk(env.http.call<{ phases: { steps: { key: string; status: string }[] }[] }>('GET', `/api/v1/programmes/${id}`, coordinator.token), 'read the programme');
      const status = new Map(read.phases.flatMap((p) => p.steps).map((s) => [s.key, s.status]));
      const next = NEXT_STEP[step];
      missed.push(status.get(step) !== 'completed' || (next !== undefined && status.get(next) !== 'active'));
    }
  }
  const appSamples = completions.slice(WARM_UP);
  const misses = missed.slice(WARM_UP).filter(Boolean).length;
  say(`  1. ${completions.length} step completions over HTTP (first ${WARM_UP} discarded); read-your-writes misses: ${misses}`);

  // Bare Update: the same number of round-trips, rotating over a few cached minimal workflows.
  const handles = await pool(Array.from({ length: 8 }, (_, i) => i), 8, async (i) => {
    const start = new WithStartWorkflowOperation(minimalWorkflow, { workflowId: `bench-upd-${run}-${i}`, taskQueue: minimalQueue, args: [], workflowIdConflictPolicy: 'USE_EXISTING' });
    await env.client.workflow.executeUpdateWithStart(bumpUpdate, { startWorkflowOperation: start });
    return env.client.workflow.getHandle(`bench-upd-${run}-${i}`);
  });
  const bareSamples: number[] = [];
  for (let i = 0; i < completions.length; i++) {
    const { ms } = await timed(() => handles[i % handles.length]!.executeUpdate(bumpUpdate));
    if (i >= WARM_UP) bareSamples.push(ms);
  }
  // Informational: an Update that runs one no-op local activity before answering, as a completion
  // runs its projection (the target's baseline stays the bare Update).
  const bareLocalSamples: number[] = [];
  for (let i = 0; i < completions.length; i++) {
    const { ms } = await timed(() => handles[i % handles.length]!.executeUpdate(bumpAfterLocalActivityUpdate));
    if (i >= WARM_UP) bareLocalSamples.push(ms);
  }

  // Where the time goes: the programmes' own histories (server timestamps).
  const histories = await pool(ids.slice(0, Math.min(ids.length, 20)), 4, async (id) => (await env.client.workflow.getHandle(id).fetchHistory()).events ?? []);
  const startProfile = summarise(histories.flatMap((events) => profileUpdates(events).slice(0, 1)));
  const completionProfile = summarise(histories.flatMap((events) => profileUpdates(events, 1)));
  // Component probe: the projection alone (what the Update waits for inside its workflow task), on a
  // real programme's state with one step's status changed each time, as a completion does.
  // (The projection alone: no live-update publishing, as before when this probe's client had no publisher.)
  const { projectProgramme } = createProjectionActivities({ prisma: env.prisma, loadTemplateVersion: createTemplateStore(env.prisma).loadTemplateVersion, publishChange: async () => undefined });
  const probe = (await env.pg.query<{ state: ProgrammeState; template_key: string; template_version: number }>('SELECT state, template_key, template_version FROM programmes WHERE id = $1', [ids[0]])).rows[0]!;
  const probeState: ProgrammeState = { ...probe.state, pendingEvents: [] };
  const projectionSamples: number[] = [];
  for (let i = 0; i < 40; i++) {
    probeState.version += 1;
    const step = probeState.steps[i % probeState.steps.length]!;
    step.status = step.status === 'completed' ? 'active' : 'completed';
    const { ms } = await timed(() => projectProgramme({ template: { key: probe.template_key, version: probe.template_version }, state: probeState }));
    if (i >= WARM_UP) projectionSamples.push(ms);
  }
  // What one DEFI start asks of Temporal: history events of the parent up to the start's answer, plus its children's.
  let parentEvents = 0;
  let childEvents = 0;
  let children = 0;
  const sampled = Math.min(5, histories.length);
  for (let i = 0; i < sampled; i++) {
    parentEvents += histories[i]!.findIndex((e) => e.workflowExecutionUpdateCompletedEventAttributes) + 1;
    const kids = await env.pg.query<{ id: string }>('SELECT id FROM programmes WHERE parent_id = $1', [ids[i]]);
    for (const kid of kids.rows) {
      childEvents += (await env.client.workflow.getHandle(kid.id).fetchHistory()).events?.length ?? 0;
      children += 1;
    }
  }
  const bareEvents = (await env.client.workflow.getHandle(`bench-min-${run}-0`).fetchHistory()).events?.length ?? 0;
  const appP50 = percentile(appSamples, 50);
  const appMean = appSamples.reduce((a, b) => a + b, 0) / appSamples.length;
  const startMean = app.ms / n * CONCURRENCY;
  const notes = [
    `${tag}Programme start (DEFI, update-with-start): ${describe(startProfile)}. Over HTTP each start took ${startMean.toFixed(0)} ms on average at concurrency ${CONCURRENCY}. ` +
      `History events per start (mean of ${sampled}): ${(parentEvents / sampled).toFixed(1)} in the parent up to the answer + ${(childEvents / sampled).toFixed(1)} in its ${(children / sampled).toFixed(1)} children; a bare started workflow has ${bareEvents} in all.`,
    `${tag}Step completion (Update): ${describe(completionProfile)}. Over HTTP: mean ${appMean.toFixed(1)} ms, p50 ${appP50.toFixed(1)} ms. ` +
      `The projection alone (one step changed, from this process): p50 ${percentile(projectionSamples, 50).toFixed(1)} ms, p95 ${percentile(projectionSamples, 95).toFixed(1)} ms.`,
  ];
  for (const note of notes) say(`     ${note}`);

  const latencyTarget = '≤ 1.5× bare (p95)';
  return {
    metrics: [
      row(`step completion via HTTP p50${suffix}`, appP50, 'ms', percentile(bareSamples, 50), null, null),
      row(`step completion via HTTP p95${suffix}`, percentile(appSamples, 95), 'ms', percentile(bareSamples, 95), latencyTarget, (r) => r <= 1.5),
      row(`step completion via HTTP p99${suffix}`, percentile(appSamples, 99), 'ms', percentile(bareSamples, 99), null, null),
      row(`step completion via HTTP p95 vs a bare Update running one no-op local activity${suffix}`, percentile(appSamples, 95), 'ms', percentile(bareLocalSamples, 95), null, null),
      // No baseline (a bare Update has no read side): the target is absolute.
      { name: `read-your-writes misses (the next GET lacks the change, of ${appSamples.length})${suffix}`, value: misses, unit: 'count', baseline: null, ratio: null, target: '0', met: misses === 0 },
      row(`programme starts (DEFI, N=${n}, concurrency ${CONCURRENCY})${suffix}`, appRate, 'programmes/s', bareRate, '≥ 0.5× bare', (r) => r >= 0.5),
    ],
    notes,
  };
}
