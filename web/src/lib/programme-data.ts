import { useInfiniteQuery, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useSubmission, type IdempotencyHeaders } from './submission';
import { api, unwrap, type ApiSchemas } from '../api/client';
import { localName } from './format';

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

/** The journal, newest first, a page at a time: `items` is what is loaded, `fetchNextPage` loads older events. */
export function useProgrammeEvents(id: string) {
  const query = useInfiniteQuery({
    queryKey: ['programme', id, 'events'],
    initialPageParam: undefined as number | undefined,
    queryFn: ({ pageParam }) => unwrap(api.GET('/api/v1/programmes/{id}/events', { params: { path: { id }, query: { limit: EVENTS_PAGE, order: 'desc', ...(pageParam !== undefined ? { cursor: String(pageParam) } : {}) } } })),
    getNextPageParam: (last) => (last.nextCursor ? Number(last.nextCursor) : undefined),
  });
  return { ...query, items: query.data?.pages.flatMap((p) => p.items) ?? [] };
}

const EVENTS_PAGE = 50;

/** Organisation names for assignees; partners may not list organisations, so they get their own only. */
export function useOrganisationNames(enabled: boolean) {
  const query = useQuery({ queryKey: ['organisations'], queryFn: fetchAllOrganisations, enabled, staleTime: 300_000 });
  const names = new Map<string, string>((query.data?.items ?? []).map((o) => [o.id, o.name]));
  return { names, organisations: query.data?.items ?? [] };
}

/** Every item of a cursor-paged list of the API, page after page (lists are never cut at their first page). */
export async function fetchAllPages<T>(page: (cursor?: string) => Promise<{ items: T[]; nextCursor?: string | null }>): Promise<T[]> {
  const first = await page();
  const items = [...first.items];
  for (let cursor = first.nextCursor; cursor; ) {
    const next = await page(cursor);
    items.push(...next.items);
    cursor = next.nextCursor;
  }
  return items;
}

/** Every organisation, page after page: names and the enrolment choice need all of them, not the first 200. */
async function fetchAllOrganisations() {
  return { items: await fetchAllPages((cursor) => unwrap(api.GET('/api/v1/organisations', { params: { query: { limit: 200, ...(cursor ? { cursor } : {}) } } }))) };
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

/** Template names by key (latest version's name, in the reader's language): never the key itself. */
export function useTemplateNames(): (key: string) => string {
  const query = useQuery({ queryKey: ['templates'], queryFn: () => unwrap(api.GET('/api/v1/templates')), staleTime: 300_000 });
  const byKey = new Map((query.data?.items ?? []).map((t) => [t.key, t] as const));
  return (key) => {
    const t = byKey.get(key);
    return t ? localName(t) : '…';
  };
}
