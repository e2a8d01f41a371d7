/**
 * Roles. Coordinators and admins run programmes (approve, enrol, change, cancel, open
 * sub-programmes, complete any step); managers read; partners act on their own organisation's steps.
 */
export type Role = 'admin' | 'coordinator' | 'manager' | 'partner';

/** May run programmes: a coordinator, or an admin (who may do anything a coordinator may). */
export function isCoordinatorRole(role: Role): boolean {
  return role === 'coordinator' || role === 'admin';
}
