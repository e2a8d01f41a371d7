/**
 * The key of a projected step row. An "each partner" step is projected as one row per
 * organisation, keyed `step@organisation`, so that "my tasks" stays a plain indexed lookup; every
 * other step keeps its own key. Readers (API, notifier, web) go back to the programme's step key
 * through `templateStepKey`; nothing else splits or joins on '@'.
 *
 * A recurring step's occurrences (issue 19) are steps of the programme in their own right, keyed
 * `step~n` (n from 1); `definitionKey` goes from any of these keys to the template's step key.
 * Nothing else splits or joins on '~'.
 */
const SEPARATOR = '@';
const OCCURRENCE = '~';

export function stepRowKey(stepKey: string, organisationId?: string): string {
  return organisationId ? `${stepKey}${SEPARATOR}${organisationId}` : stepKey;
}

/** The programme's step key of a row key (or of a plain step key, unchanged); an occurrence keeps its number. */
export function templateStepKey(rowKey: string): string {
  return rowKey.split(SEPARATOR)[0]!;
}

/** The key of occurrence `n` (from 1) of a recurring step. */
export function occurrenceKey(stepKey: string, n: number): string {
  return `${stepKey}${OCCURRENCE}${n}`;
}

/** The template's step key of a row key, a step key or an occurrence key. */
export function definitionKey(key: string): string {
  return templateStepKey(key).split(OCCURRENCE)[0]!;
}
