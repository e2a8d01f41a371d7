/** Overdue reminders stop after this many; escalation has already told the coordinator. (No imports: the workflow bundle uses it.) */
export const MAX_OVERDUE_REMINDERS = 10;
