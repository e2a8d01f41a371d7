/**
 * Lateness and the next due date: the one rule every reader applies (the workflow marking steps
 * late, the projection's `late` column, the API's views, the notifier, the web UI).
 *
 * A step is late from its due instant on: due "14 décembre 2026, 18 h 00" means done before
 * 18:00; at 18:00:00 the deadline has passed. (The workflow's timer fires at the due instant and
 * marks the step late then, so the comparison is `<=`.)
 */
export function isPastDue(dueAt: string | Date, now: number | Date): boolean {
  const due = typeof dueAt === 'string' ? Date.parse(dueAt) : dueAt.getTime();
  return due <= (typeof now === 'number' ? now : now.getTime());
}

/** The earliest due date among open steps (active, with a due date), or null. */
export function nextDueAt(steps: readonly { status: string; dueAt?: string | null }[]): Date | null {
  const dues = steps.filter((s) => s.status === 'active' && s.dueAt).map((s) => Date.parse(s.dueAt!));
  return dues.length ? new Date(Math.min(...dues)) : null;
}
