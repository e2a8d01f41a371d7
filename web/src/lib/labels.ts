import i18next from 'i18next';
import { definitionKey, templateStepKey } from '../../../domain/step-row-key';

/** A name the template gives one of its codes: French, English optional (domain/template-schema.ts `ZLabel`). */
export interface Label {
  fr: string;
  en?: string;
}
/** The template's labels as the API sends them (programme view, template): roles, module milestones, date parameters. */
export interface TemplateLabels {
  roles?: Record<string, Label>;
  milestones?: Record<string, Label>;
  dateParams?: Record<string, Label>;
  /** Issue 19: outcomes steps record (retained, not retained…). */
  outcomes?: Record<string, Label>;
}

const FALLBACK = { roles: 'labels.fallbackSlot', milestones: 'labels.fallbackMilestone', dateParams: 'labels.fallbackDateParam', outcomes: 'labels.fallbackOutcome' } as const;

/**
 * Names for the codes templates and workflows use come from the template itself (the API fills
 * an old version's gaps from the built-in template); a code without a name gets a neutral word
 * of the catalogue. A code is never shown.
 */
function lookup(labels: TemplateLabels | undefined, kind: keyof typeof FALLBACK, key: string): string {
  const label = labels?.[kind]?.[key];
  if (!label) return i18next.t(FALLBACK[kind]);
  return (i18next.language === 'en' ? label.en : undefined) ?? label.fr;
}

export function slotLabel(slot: string, labels: TemplateLabels | undefined): string {
  return lookup(labels, 'roles', slot);
}

/** A milestone is a module's (awarded…) or a milestone step's key: then the step's name. */
export function milestoneLabel(key: string, labels: TemplateLabels | undefined, stepNames?: Map<string, string>): string {
  const step = stepNames?.get(templateStepKey(key)) ?? stepNames?.get(definitionKey(key));
  if (step) return step;
  return lookup(labels, 'milestones', key);
}

export function dateParamLabel(key: string, labels: TemplateLabels | undefined): string {
  return lookup(labels, 'dateParams', key);
}

/** An outcome a step records (issue 19), by its French (or English) name. */
export function outcomeLabel(key: string, labels: TemplateLabels | undefined): string {
  return lookup(labels, 'outcomes', key);
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** For the few places a library wants HTML (the Gantt popup). */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => escapes[c]!);
}
