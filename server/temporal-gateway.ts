import { randomUUID } from 'node:crypto';
import {
  WorkflowUpdateRPCTimeoutOrCancelledError,
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { DueCalendarSettings } from '../domain/deadlines';
import type { ProblemParams } from '../domain/problem-codes';
import type { UpdateDefinition } from '@temporalio/common';
import type { ProgrammeAnswer } from '../domain/programme-state';
import { programmeStartedUpdate, programmeWorkflow, type ProgrammeWorkflowInput } from '../workflows/programme';
import { CoordinatorAttribute, ProgrammeStatusAttribute, TemplateKeyAttribute } from '../workflows/search-attributes';
import { AppError, isErrorCode } from './errors';

/** An API call never waits longer than this on Temporal: past it the client gets 503 and retries. */
const TEMPORAL_CALL_DEADLINE_MS = 20_000;

/**
 * The API's only door to Temporal: typed definitions in, AppErrors out. `dueCalendar` (the
 * configuration's DUE_TIME and REMINDER_HOUR) goes into every programme started, which then
 * computes its deadlines itself (issue 21); without it programmes ask the worker's activities.
 */
export function createTemporalGateway(client: Client, taskQueue: string, dueCalendar?: DueCalendarSettings) {
  const withDeadline = <T>(fn: () => Promise<T>) => client.withDeadline(Date.now() + TEMPORAL_CALL_DEADLINE_MS, fn);
  return {
    async startProgramme(input: ProgrammeWorkflowInput, requestId?: string): Promise<ProgrammeAnswer> {
      const start = new WithStartWorkflowOperation(programmeWorkflow, {
        workflowId: input.programmeId,
        taskQueue,
        args: [{ ...(dueCalendar ? { dueCalendar } : {}), ...input }],
        // A retried request (same id) attaches to the programme already started.
        workflowIdConflictPolicy: 'USE_EXISTING',
        typedSearchAttributes: [
          { key: TemplateKeyAttribute, value: input.template.key },
          { key: ProgrammeStatusAttribute, value: 'active' },
          { key: CoordinatorAttribute, value: input.coordinatorId ?? 'none' },
        ],
      });
      return translate(() => withDeadline(() => client.workflow.executeUpdateWithStart(programmeStartedUpdate, { startWorkflowOperation: start, updateId: requestId ?? randomUUID() })));
    },

    /** Runs an Update; the Idempotency-Key becomes the update id so a retry is answered, not applied twice. */
    async update<Ret, Arg>(programmeId: string, def: UpdateDefinition<Ret, [Arg]>, arg: Arg, idempotencyKey?: string): Promise<Ret> {
      const handle = client.workflow.getHandle(programmeId);
      try {
        return await withDeadline(() => handle.executeUpdate(def, { args: [arg], updateId: idempotencyKey }));
      } catch (err) {
        // A finished programme's workflow has closed: the lifecycle allows nothing more.
        if (err instanceof WorkflowNotFoundError) {
          const status = await handle.describe().then((d) => d.status.name, () => undefined);
          if (status && status !== 'RUNNING') throw new AppError('programme_not_active', `The programme is closed (${status.toLowerCase()}); it accepts no more actions.`, undefined, undefined, { reason: 'programme_closed' });
        }
        throw toAppError(err);
      }
    },

    async ping(): Promise<void> {
      await client.withDeadline(Date.now() + 2000, () => client.connection.workflowService.getSystemInfo({}));
    },
  };
}
export type TemporalGateway = ReturnType<typeof createTemporalGateway>;

async function translate<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw toAppError(err);
  }
}

export function toAppError(err: unknown): unknown {
  if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
    const code = err.cause.type ?? undefined;
    const params = err.cause.details?.[0];
    if (isErrorCode(code)) return new AppError(code, err.cause.message, undefined, undefined, params && typeof params === 'object' ? (params as ProblemParams) : undefined);
  }
  if (err instanceof WorkflowNotFoundError) return new AppError('not_found', 'No such programme.');
  // Our own deadline cut an Update's long poll (the SDK reports gRPC CANCELLED, not DEADLINE_EXCEEDED):
  // seen in the topology drill while a killed worker's programmes waited for another worker.
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return new AppError('dependency_unavailable', 'The workflow service did not answer in time; the action may still be applied. Retry with the same Idempotency-Key to learn its outcome.', undefined, 5);
  }
  // gRPC UNAVAILABLE / DEADLINE_EXCEEDED anywhere in the cause chain (the SDK wraps them in
  // ServiceError): the Temporal server is down or unreachable.
  for (let e: unknown = err, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const grpcCode = (e as { code?: number }).code;
    const message = String((e as Error).message);
    if (grpcCode === 4 || /deadline exceeded/i.test(message)) {
      // Too slow is not the same as refused: the action may still be applied.
      return new AppError('dependency_unavailable', 'The workflow service did not answer in time; the action may still be applied. Retry with the same Idempotency-Key to learn its outcome.', undefined, 5);
    }
    // The server refuses Updates while the programme's workflow task is being retried (its previous
    // attempt timed out or failed: a worker lost, the server restarted under load): the Update was
    // not admitted, and the retried task will take the next one. Seen by the hundred in the long
    // topology drill right after the Temporal server restart.
    if (grpcCode === 9 && /workflow task in failed state/i.test(message)) {
      return new AppError('dependency_unavailable', 'The programme is resuming after an interruption; nothing was changed. Retry shortly.', undefined, 2);
    }
    if (grpcCode === 14 || /UNAVAILABLE|ECONNREFUSED|Failed to connect/i.test(message)) {
      return new AppError('dependency_unavailable', 'The workflow service is unavailable; nothing was changed. Retry shortly.', undefined, 5);
    }
  }
  return err;
}
