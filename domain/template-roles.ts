/**
 * The roles (organisation slots) a template declares: every slot a step is assigned to, a
 * sub-programme fills (`fillsSlot`) or a step module fills (its config's `slot`, e.g. the tender
 * award's winner) or a periodic indicator is entered by (`recordedBy`, issue 19). A role is filled at start, at enrolment, or by the programme itself:
 *  - `start`: nobody else fills it; the coordinator chooses its organisation (start or enrol form);
 *  - `child`: a sub-programme's winner fills it (`child` names the sub-programme);
 *  - `module`: a step's own rule fills it when the step completes (`step` names the step).
 */
export type TemplateRole =
  | { key: string; filledBy: 'start' }
  | { key: string; filledBy: 'child'; child: string }
  | { key: string; filledBy: 'module'; step: string };

/** What the roles are read from: a template, or its JSON as the API returns it. */
export interface TemplateRoleSource {
  phases: { steps: { key: string; assignee: { kind: string; slot?: string }; module?: { config?: Record<string, unknown> } }[] }[];
  children?: { key: string; fillsSlot?: string }[];
  indicators?: { recordedBy?: string }[];
}

export function listTemplateRoles(template: TemplateRoleSource): TemplateRole[] {
  const roles = new Map<string, TemplateRole>();
  for (const child of template.children ?? []) if (child.fillsSlot && !roles.has(child.fillsSlot)) roles.set(child.fillsSlot, { key: child.fillsSlot, filledBy: 'child', child: child.key });
  for (const phase of template.phases) {
    for (const step of phase.steps) {
      const slot = step.module?.config?.slot;
      if (typeof slot === 'string' && !roles.has(slot)) roles.set(slot, { key: slot, filledBy: 'module', step: step.key });
    }
  }
  for (const phase of template.phases) {
    for (const step of phase.steps) {
      const slot = step.assignee.kind === 'slot' ? step.assignee.slot : undefined;
      if (slot && !roles.has(slot)) roles.set(slot, { key: slot, filledBy: 'start' });
    }
  }
  // The organisation that enters an indicator (a reception points' operator) is chosen at start too.
  for (const indicator of template.indicators ?? []) if (indicator.recordedBy && !roles.has(indicator.recordedBy)) roles.set(indicator.recordedBy, { key: indicator.recordedBy, filledBy: 'start' });
  // In the order a reader meets them: the roles to choose first, in template order.
  const order = (r: TemplateRole) => (r.filledBy === 'start' ? 0 : 1);
  return [...roles.values()].sort((a, b) => order(a) - order(b));
}
