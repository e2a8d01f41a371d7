/**
 * Baselines for `npm run bench`: the least a Temporal workflow can do, bundled and run on a
 * task queue of their own, so the programme workflow's figures have something to stand next to.
 * Deterministic workflow code: nothing but @temporalio/workflow.
 */
import { condition, defineSignal, defineUpdate, proxyActivities, proxyLocalActivities, setHandler, sleep } from '@temporalio/workflow';

/** Counts; answers the new count. The bare Update round-trip: one workflow task, no activity. */
export const bumpUpdate = defineUpdate<number, []>('bump');
/** Counts after one no-op local activity: the least an Update that must run an activity (as a completion's projection does) can cost. */
export const bumpAfterLocalActivityUpdate = defineUpdate<number, []>('bumpAfterLocalActivity');
export const finishSignal = defineSignal('finish');

export interface MinimalActivities {
  /** Records when a timer's activity ran, next to the moment it was planned for. */
  woke(plannedAt: number): Promise<void>;
  /** Does nothing. */
  noop(): Promise<void>;
}

const { woke } = proxyActivities<MinimalActivities>({ startToCloseTimeout: '30 seconds' });
const { noop } = proxyLocalActivities<MinimalActivities>({ startToCloseTimeout: '30 seconds' });

/** Waits (cached, parked on a condition) until `finish`; each `bump` answers at once. */
export async function minimalWorkflow(): Promise<number> {
  let count = 0;
  let finished = false;
  setHandler(bumpUpdate, () => ++count);
  setHandler(bumpAfterLocalActivityUpdate, async () => {
    await noop();
    return ++count;
  });
  setHandler(finishSignal, () => {
    finished = true;
  });
  await condition(() => finished);
  return count;
}

/** Sleeps until each planned instant (epoch ms) in turn, then runs one trivial activity: the bare timer path. */
export async function sleepWorkflow(plannedAt: number[]): Promise<void> {
  for (const at of plannedAt) {
    await sleep(Math.max(at - Date.now(), 1));
    await woke(at);
  }
}
