/**
 * A programme's health, red/amber/green: the one rule the dashboard (its list, its counts) and
 * the portfolio export apply.
 * - red: at least one step is late;
 * - amber: none late, but the next due date falls within AT_RISK_DAYS;
 * - green: neither.
 * The API sends the colour and the rule's code; the UI and the export word them.
 */
export const AT_RISK_DAYS = 7;
const DAY_MS = 86_400_000;

export type Rag = 'red' | 'amber' | 'green';
export const RAG_RULES = ['late_steps', 'due_soon', 'nothing_due_soon'] as const;
export type RagRule = (typeof RAG_RULES)[number];

/** The instant before which a next due date makes a programme amber. */
export function atRiskBefore(now: Date): Date {
  return new Date(now.getTime() + AT_RISK_DAYS * DAY_MS);
}

export function rateProgramme(lateSteps: number, nextDueAt: Date | null, now: Date): { rag: Rag; rule: RagRule } {
  if (lateSteps > 0) return { rag: 'red', rule: 'late_steps' };
  if (nextDueAt && nextDueAt.getTime() < atRiskBefore(now).getTime()) return { rag: 'amber', rule: 'due_soon' };
  return { rag: 'green', rule: 'nothing_due_soon' };
}
