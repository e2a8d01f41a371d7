/** Labels of a stored template version, completed from the built-in template of the same key (domain/template-labels.ts). */
import { resolveTemplateLabels } from '../domain/template-labels';
import type { TemplateLabels } from '../domain/template-schema';
import { BUILT_IN_TEMPLATES } from './index';

export function labelsOf(template: Parameters<typeof resolveTemplateLabels>[0], { neutral = true } = {}): TemplateLabels {
  return resolveTemplateLabels(template, BUILT_IN_TEMPLATES.find((b) => b.key === template.key), neutral);
}
