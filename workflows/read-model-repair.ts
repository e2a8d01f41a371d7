/**
 * Read-model repair after an abandoned workflow task (issue 22), as a workflow interceptor module
 * loaded by every worker (infra/runtime.ts) and every test bundle.
 *
 * The projection runs as a local activity inside the workflow task. A task abandoned by its
 * worker (killed, or too slow: the task timed out; the Temporal server restarted) may already have
 * written its projection, a state the workflow never committed. Its retry computes from history;
 * when it projects again, its write wins (activities/projection.ts compares where in history each
 * write was computed), but when nothing changes in the retry (the Update that the abandoned task
 * applied was not delivered again) nothing is projected, and the read model stayed ahead of the
 * workflow: 83 of 200 programmes after the long topology drill's Temporal restart.
 *
 * An abandoned task always costs its worker the cached workflow, so its retry rebuilds the
 * workflow from history. This interceptor notices the first live activation of a workflow that
 * was rebuilt from history and projects the state as history has it, through a sink: a call to
 * the worker that is not a command and not in history, made only outside replay, so histories
 * replay unchanged and no patch is needed. Its write carries the retry's position, later than
 * the abandoned task's. The price: one projection write per programme rebuilt from history (a
 * worker restart, an eviction from the worker's cache), on its next workflow task.
 *
 * Its limit, seen in the second long drill (78 of 200 programmes still ahead): when the retried
 * task has nothing new for the workflow (the abandoned task's Update was not delivered again), the
 * SDK replays it without any live activation, so this never runs and the abandoned write stays
 * until the programme next changes. Not solved here (docs/reliability.md).
 */
import { proxySinks, workflowInfo, type Sinks, type WorkflowInterceptorsFactory } from '@temporalio/workflow';
import type { ProjectProgrammeInput } from '../activities/projection';
import { readProjectionPosition } from './projection-position';

export interface ReadModelSinks extends Sinks {
  readModel: {
    /** Writes the projection, as the projectProgramme activity does (infra/runtime.ts). */
    repair(input: ProjectProgrammeInput): void;
  };
}

const { readModel } = proxySinks<ReadModelSinks>();

// Module state is per workflow execution (the SDK isolates each workflow's globals).
let source: (() => Omit<ProjectProgrammeInput, 'position'>) | undefined;

/** The programme workflow says what it would project (its template and state), once at start. */
export function registerReadModelSource(read: () => Omit<ProjectProgrammeInput, 'position'>): void {
  source = read;
}

export const interceptors: WorkflowInterceptorsFactory = () => {
  let first = true;
  let rebuiltFromHistory = false;
  let repaired = false;
  return {
    internals: [
      {
        activate(input, next) {
          const replaying = workflowInfo().unsafe.isReplaying;
          if (first) {
            first = false;
            rebuiltFromHistory = replaying;
          } else if (rebuiltFromHistory && !repaired && !replaying && source) {
            // Before this activation's jobs: the state exactly as history has it. A copy, as the
            // sink runs after the activation.
            repaired = true;
            const { template, state } = source();
            readModel.repair({ template, state: JSON.parse(JSON.stringify(state)), position: readProjectionPosition() });
          }
          return next(input);
        },
      },
    ],
  };
};
