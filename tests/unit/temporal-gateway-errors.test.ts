import { WorkflowNotFoundError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import { AppError } from '../../server/errors';
import { toAppError } from '../../server/temporal-gateway';

/** How Temporal client failures reach people: a slow or absent engine is a 503 to retry, never a 500. */
describe('toAppError', () => {
  it('answers 503 (may still be applied) when our deadline cut an Update, which the SDK reports as CANCELLED', () => {
    const cancelled = Object.assign(new Error('1 CANCELLED: Call cancelled'), { code: 1 });
    const mapped = toAppError(new WorkflowUpdateRPCTimeoutOrCancelledError('Timeout or cancellation waiting for update', { cause: cancelled }));
    expect(mapped).toBeInstanceOf(AppError);
    expect((mapped as AppError).code).toBe('dependency_unavailable');
    expect((mapped as AppError).retryAfterSeconds).toBe(5);
  });

  it('answers 503 (nothing changed) when the server refuses an Update while the workflow task is being retried', () => {
    // As the client raises it: a ServiceError whose cause is the gRPC FAILED_PRECONDITION.
    const refused = Object.assign(new Error('9 FAILED_PRECONDITION: Unable to perform workflow execution update due to Workflow Task in failed state.'), { code: 9 });
    const mapped = toAppError(Object.assign(new Error('Workflow Update failed'), { name: 'ServiceError', cause: refused }));
    expect(mapped).toBeInstanceOf(AppError);
    expect((mapped as AppError).code).toBe('dependency_unavailable');
    expect((mapped as AppError).retryAfterSeconds).toBe(2);
    // Any other failed precondition is not a transient refusal.
    const other = Object.assign(new Error('9 FAILED_PRECONDITION: something else'), { code: 9 });
    expect(toAppError(other)).toBe(other);
  });

  it('keeps the other mappings: deadline exceeded and unavailable are 503, an unknown programme 404', () => {
    expect((toAppError(Object.assign(new Error('4 DEADLINE_EXCEEDED: Deadline exceeded'), { code: 4 })) as AppError).code).toBe('dependency_unavailable');
    expect((toAppError(Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 })) as AppError).code).toBe('dependency_unavailable');
    expect((toAppError(new WorkflowNotFoundError('no such workflow', 'prg_x', undefined)) as AppError).code).toBe('not_found');
    const unknown = new Error('something else');
    expect(toAppError(unknown)).toBe(unknown);
  });
});
