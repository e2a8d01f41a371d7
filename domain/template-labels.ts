import { listLabelledCodes, type CodedTemplate, type LabelKind } from './template-codes';
import type { Label, TemplateLabels } from './template-schema';

/**
 * Names of a template's roles, module milestones and date parameters, read from the template
 * itself (`labels`). A version stored before templates carried labels borrows them from the
 * built-in template of the same key; a code neither names gets a neutral word, never the code.
 */
export const FALLBACK_LABELS: Record<LabelKind, Required<Label>> = {
  roles: { fr: 'Rôle à pourvoir', en: 'Role to fill' },
  milestones: { fr: 'Jalon atteint', en: 'Milestone reached' },
  dateParams: { fr: 'Date à fournir', en: 'Date to supply' },
  outcomes: { fr: 'Issue', en: 'Outcome' },
};

const EMPTY: Required<TemplateLabels> = { roles: {}, milestones: {}, dateParams: {}, outcomes: {} };

interface LabelledTemplate extends CodedTemplate {
  key: string;
  labels?: Partial<TemplateLabels>;
}

/**
 * The template's labels, each missing one taken from `builtIn` (the built-in template of the same
 * key), then the neutral word — unless `neutral` is false (a template sent to the editor, whose
 * author must name what is still unnamed).
 */
export function resolveTemplateLabels(template: LabelledTemplate, builtIn?: { labels?: Partial<TemplateLabels> }, neutral = true): TemplateLabels {
  const own = { ...EMPTY, ...template.labels };
  const borrowed = { ...EMPTY, ...builtIn?.labels };
  const out: Required<TemplateLabels> = { roles: { ...own.roles }, milestones: { ...own.milestones }, dateParams: { ...own.dateParams }, outcomes: { ...own.outcomes } };
  for (const { kind, key } of listLabelledCodes(template)) {
    if (out[kind][key]?.fr) continue;
    if (borrowed[kind][key]?.fr) out[kind][key] = borrowed[kind][key];
    else if (neutral) out[kind][key] = FALLBACK_LABELS[kind];
  }
  // Outcomes (issue 19) only where a step lists some: labels keep their shape elsewhere.
  const { outcomes, ...rest } = out;
  return Object.keys(outcomes).length ? out : rest;
}

/** One label in a language: English when asked and given, else French; the neutral word for an unknown code. */
export function labelText(labels: Partial<TemplateLabels> | undefined, kind: LabelKind, key: string, locale: 'fr' | 'en' = 'fr'): string {
  const label = labels?.[kind]?.[key] ?? FALLBACK_LABELS[kind];
  return (locale === 'en' ? label.en : undefined) ?? label.fr;
}
