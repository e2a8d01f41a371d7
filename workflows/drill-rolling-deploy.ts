/**
 * The "changed workflow" of the topology drill's rolling deploy (issue 22): a workflow interceptor
 * module that only workers started with WORKFLOW_DRILL_PATCH=rolling-deploy load
 * (infra/runtime.ts), so the drill can deploy a new workflow build worker by worker while
 * programmes run, without a change to the programme workflow itself.
 *
 * The change is a real one for Temporal: before a programme's first projection under the new
 * build, the workflow records in its memo which build took it over (an extra
 * ModifyWorkflowProperties command). Unguarded, a history made by the new build would not replay
 * on the old one and the other way round; guarded by `patched()` like any behaviour change in
 * workflows/, histories recorded before replay unchanged and the new ones carry the patch marker.
 * The drill then replays every programme's history with this build.
 */
import { patched, upsertMemo, type WorkflowInterceptorsFactory } from '@temporalio/workflow';

export const DRILL_PATCH_ID = 'drill-rolling-deploy';
export const DRILL_MEMO_KEY = 'deployedBuild';

export const interceptors: WorkflowInterceptorsFactory = () => {
  let recorded = false;
  return {
    outbound: [
      {
        async scheduleLocalActivity(input, next) {
          if (!recorded && input.activityType === 'projectProgramme' && patched(DRILL_PATCH_ID)) {
            upsertMemo({ [DRILL_MEMO_KEY]: DRILL_PATCH_ID });
            recorded = true;
          }
          return next(input);
        },
      },
    ],
  };
};
