import { useQuery } from '@tanstack/react-query';
import { api, ApiProblem, unwrap, type ApiSchemas } from '../api/client';

export type Me = NonNullable<Awaited<ReturnType<typeof fetchMe>>>;
export type Role = 'admin' | 'coordinator' | 'manager' | 'partner';

async function fetchMe() {
  try {
    return await unwrap(api.GET('/api/v1/me'));
  } catch (error) {
    if (error instanceof ApiProblem && error.status === 401) return null;
    throw error;
  }
}

export function useSession() {
  return useQuery({ queryKey: ['me'], queryFn: fetchMe, staleTime: 60_000 });
}

export const isSteward = (role: Role) => role === 'coordinator' || role === 'admin';

export function homePathFor(role: Role): string {
  return role === 'manager' ? '/tableau-de-bord' : '/taches';
}

export type { ApiSchemas };
