import { useQuery } from '@tanstack/react-query';
import { api, ApiProblem, unwrap, type ApiSchemas } from '../api/client';
import { isCoordinatorRole, type Role } from '../../../domain/roles';

export type Me = NonNullable<Awaited<ReturnType<typeof fetchMe>>>;
export type { Role };

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

/** Runs programmes (coordinator or admin): the domain's one role rule. */
export const isSteward = isCoordinatorRole;

export function homePathFor(role: Role): string {
  return role === 'manager' ? '/tableau-de-bord' : '/taches';
}

export type { ApiSchemas };

const EXPIRED_KEY = 'jalons.sessionExpired';

/** Remembered across the redirect to the sign-in page, which says why it is shown. */
export function markSessionExpired(): void {
  try {
    sessionStorage.setItem(EXPIRED_KEY, '1');
  } catch {
    // Private browsing without storage: the sign-in page simply shows no notice.
  }
}

/** True once after a session expired; reading it clears it. */
export function takeSessionExpired(): boolean {
  try {
    const expired = sessionStorage.getItem(EXPIRED_KEY) === '1';
    sessionStorage.removeItem(EXPIRED_KEY);
    return expired;
  } catch {
    return false;
  }
}
