import { workflowInfo } from '@temporalio/workflow';
import type { ProjectionPosition } from '../activities/projection';

/**
 * Where in history the workflow is while it projects (issue 22): sent with every projection so
 * that the read model keeps the write of the latest workflow task, not the first to land (an
 * abandoned task's local projection may land after, or before, its retry's). Data only, no
 * command: history and replay are unchanged, so no patch is needed.
 */
export function readProjectionPosition(): ProjectionPosition {
  const info = workflowInfo();
  // Workflow time is the start of the current workflow task's attempt.
  return { runStartedAt: info.runStartTime.toISOString(), historyLength: info.historyLength, taskAt: new Date().toISOString() };
}
