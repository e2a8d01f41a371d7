import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useSubmission, type IdempotencyHeaders } from './submission';
import { api, unwrap, type ApiSchemas } from '../api/client';

type ProgrammeResponse = Awaited<ReturnType<typeof fetchProgramme>>;
export type ProgrammeView = ProgrammeResponse;
export type PhaseView = ProgrammeView['phases'][number];
export type StepView = PhaseView['steps'][number];
export type DeliverableView = StepView['deliverables'][number];

function fetchProgramme(id: string) {
  return unwrap(api.GET('/api/v1/programmes/{id}', { params: { path: { id } } }));
}

export function useProgramme(id: string) {
  return useQuery({ queryKey: ['programme', id], queryFn: () => fetchProgramme(id) });
}

export function useProgrammeEvents(id: string) {
  return useQuery({ queryKey: ['programme', id, 'events'], queryFn: () => unwrap(api.GET('/api/v1/programmes/{id}/events', { params: { path: { id }, query: { limit: 200 } } })) });
}

/** Organisation names for assignees; partners may not list organisations, so they get their own only. */
export function useOrganisationNames(enabled: boolean) {
  const query = useQuery({ queryKey: ['organisations'], queryFn: () => unwrap(api.GET('/api/v1/organisations', { params: { query: { limit: 200 } } })), enabled, staleTime: 300_000 });
  const names = new Map<string, string>((query.data?.items ?? []).map((o) => [o.id, o.name]));
  return { names, organisations: query.data?.items ?? [] };
}

export function findStep(programme: ProgrammeView, stepKey: string): { phase: PhaseView; step: StepView } | undefined {
  for (const phase of programme.phases) {
    const step = phase.steps.find((s) => s.key === stepKey);
    if (step) return { phase, step };
  }
  return undefined;
}

export function deliverableFileUrl(programmeId: string, stepKey: string, deliverableId: string): string {
  return `/api/v1/programmes/${encodeURIComponent(programmeId)}/steps/${encodeURIComponent(stepKey)}/deliverables/${encodeURIComponent(deliverableId)}/file`;
}

/** What a change to a programme makes stale: the programme itself and every list that shows it. */
export function refreshAfterChange(queryClient: QueryClient, programmeId?: string): Promise<unknown> {
  return Promise.all([
    ...(programmeId ? [queryClient.invalidateQueries({ queryKey: ['programme', programmeId] })] : []),
    ...['tasks', 'dashboard', 'programmes'].map((key) => queryClient.invalidateQueries({ queryKey: [key] })),
  ]);
}

/** A user's action on a programme (one Idempotency-Key per submission): refreshes what it changed; the refusal, if any, is in `error`. */
export function useProgrammeAction<TInput = void>(programmeId: string, call: (input: TInput, headers: IdempotencyHeaders) => Promise<unknown>) {
  const queryClient = useQueryClient();
  return useSubmission(call, { onSuccess: () => refreshAfterChange(queryClient, programmeId) });
}

export type { ApiSchemas };
