import { useMutation, type UseMutationOptions } from '@tanstack/react-query';
import { useRef } from 'react';
import { ApiProblem } from '../api/client';

/** The header every write carries: one key per submission. */
export type IdempotencyHeaders = { 'Idempotency-Key': string };

/**
 * An answer that settles the submission (success, or a refusal of these values): the next click is a new
 * submission with a new key. A network failure, a 5xx or "still in progress" leaves the outcome unknown:
 * clicking again retries the same submission, with the same key, and the server answers it once.
 */
function settles(error: unknown): boolean {
  if (!(error instanceof ApiProblem)) return true;
  return error.status !== 0 && error.status < 500 && error.code !== 'idempotency_request_in_progress';
}

/**
 * useMutation for a write: an Idempotency-Key per submission (kept across retries of the same values),
 * and a second submission while one is in flight is ignored (buttons also show `isPending` as disabled,
 * but a double-click can land before React re-renders).
 */
export function useSubmission<TData, TInput = void>(
  run: (input: TInput, headers: IdempotencyHeaders) => Promise<TData>,
  options: Omit<UseMutationOptions<TData, Error, TInput>, 'mutationFn'> & { fingerprint?: (input: TInput) => string } = {},
) {
  const { fingerprint = (input: TInput) => JSON.stringify(input ?? null), ...mutationOptions } = options;
  const submission = useRef<{ key: string; values: string } | undefined>(undefined);
  const inFlight = useRef(false);
  const mutation = useMutation<TData, Error, TInput>({
    ...mutationOptions,
    mutationFn: async (input) => {
      const values = fingerprint(input);
      if (submission.current?.values !== values) submission.current = { key: crypto.randomUUID(), values };
      try {
        const data = await run(input, { 'Idempotency-Key': submission.current.key });
        submission.current = undefined;
        return data;
      } catch (error) {
        if (settles(error)) submission.current = undefined;
        throw error;
      }
    },
  });
  const mutate = (...[input, callbacks]: Parameters<typeof mutation.mutate>) => {
    if (inFlight.current) return;
    inFlight.current = true;
    mutation.mutate(input as TInput, {
      ...callbacks,
      onSettled: (...args) => {
        inFlight.current = false;
        return callbacks?.onSettled?.(...args);
      },
    });
  };
  return { ...mutation, mutate };
}
