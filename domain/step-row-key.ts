/**
 * The key of a projected step row. An "each partner" step is projected as one row per
 * organisation, keyed `step@organisation`, so that "my tasks" stays a plain indexed lookup; every
 * other step keeps its own key. Readers (API, notifier, web) go back to the template's step key
 * through `templateStepKey`; nothing else splits or joins on '@'.
 */
const SEPARATOR = '@';

export function stepRowKey(stepKey: string, organisationId?: string): string {
  return organisationId ? `${stepKey}${SEPARATOR}${organisationId}` : stepKey;
}

/** The template's step key of a row key (or of a plain step key, unchanged). */
export function templateStepKey(rowKey: string): string {
  return rowKey.split(SEPARATOR)[0]!;
}
