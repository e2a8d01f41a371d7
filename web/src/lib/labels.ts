import i18next from 'i18next';
import { templateStepKey } from '../../../domain/step-row-key';

/**
 * Names for the codes templates and workflows use (roles, milestones, date parameters): from
 * the catalogue when known, otherwise a neutral word of the catalogue. A code is never shown.
 */
function lookup(group: 'slots' | 'milestones' | 'dateParams', key: string, fallback: string): string {
  const path = `labels.${group}.${key}`;
  return i18next.exists(path) ? i18next.t(path as 'labels.fallbackSlot') : i18next.t(fallback as 'labels.fallbackSlot');
}

export function slotLabel(slot: string): string {
  return lookup('slots', slot, 'labels.fallbackSlot');
}

/** A milestone is a module's (awarded…) or a milestone step's key: then the step's name. */
export function milestoneLabel(key: string, stepNames?: Map<string, string>): string {
  const step = stepNames?.get(templateStepKey(key));
  if (step) return step;
  return lookup('milestones', key, 'labels.fallbackMilestone');
}

export function dateParamLabel(key: string): string {
  return lookup('dateParams', key, 'labels.fallbackDateParam');
}

const escapes: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** For the few places a library wants HTML (the Gantt popup). */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => escapes[c]!);
}
