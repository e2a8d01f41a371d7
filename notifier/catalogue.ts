import { en } from './catalogues/en';
import { fr } from './catalogues/fr';

export type Locale = 'fr' | 'en';

/**
 * The words of every e-mail, one file per language (`catalogues/fr.ts`, `catalogues/en.ts`).
 * Placeholders in braces are filled by `fill`; a missing value leaves the line out.
 */
/** `label` names the kind in a digest line; `subject` and `intro` are the single message's. */
export interface KindWords {
  label: string;
  subject: string;
  intro: string;
}

export interface Catalogue {
  /** BCP 47 tag for dates. */
  dateLocale: string;
  /** The link to the recipient's own view, for kinds that are not about one of its steps. */
  openProgramme: string;
  /** Said under every message: why it was sent (RFC 3834 auto-generated mail). */
  automatic: string;
  kinds: Record<string, KindWords>;
  /** Used for a kind the catalogue does not know (a newer worker's message). */
  fallbackKind: KindWords;
  greeting: string;
  programme: string;
  step: string;
  phase: string;
  due: string;
  open: string;
  invitation: { accept: string; expires: string };
  preferDigest: string;
  unsubscribeDigest: string;
  signature: string;
  digest: { subject: string; intro: string; item: string; itemWithoutStep: string; itemDue: string; open: string };
  ics: { summary: string; description: string };
}

const CATALOGUES: Record<Locale, Catalogue> = { fr, en };

export function catalogueFor(locale: Locale): Catalogue {
  return CATALOGUES[locale];
}

/** `{name}` → value; undefined when a placeholder has no value, so optional lines drop out. */
export function fill(template: string, values: Record<string, string | undefined>): string | undefined {
  let missing = false;
  const text = template.replace(/\{(\w+)\}/g, (_m, key: string) => {
    const value = values[key];
    if (value === undefined || value === '') missing = true;
    return value ?? '';
  });
  return missing ? undefined : text;
}
