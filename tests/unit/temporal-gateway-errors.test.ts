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

  it('keeps the other mappings: deadline exceeded and unavailable are 503, an unknown programme 404', () => {
    expect((toAppError(Object.assign(new Error('4 DEADLINE_EXCEEDED: Deadline exceeded'), { code: 4 })) as AppError).code).toBe('dependency_unavailable');
    expect((toAppError(Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14 })) as AppError).code).toBe('dependency_unavailable');
    expect((toAppError(new WorkflowNotFoundError('no such workflow', 'prg_x', undefined)) as AppError).code).toBe('not_found');
    const unknown = new Error('something else');
    expect(toAppError(unknown)).toBe(unknown);
  });
});
