/**
 * Which codes of a template a user reads and that need a label in `labels` (domain/template-schema.ts):
 * roles, milestones recorded by lifecycle modules, date parameters, step outcomes. No zod here: the web editor
 * imports it to list the label fields of a draft.
 */
export type LabelKind = 'roles' | 'milestones' | 'dateParams' | 'outcomes';

/** The parts of a template (or of an editor's draft) that name codes. */
export interface CodedTemplate {
  phases?: { steps?: { assignee?: { kind: string; slot?: string }; module?: { name: string; config?: Record<string, unknown> }; outcomes?: string[] }[] }[];
  children?: { fillsSlot?: string }[];
  indicators?: { recordedBy?: string }[];
  dateParams?: string[];
}

/** Milestones the lifecycle modules record (domain/programme/modules), by module name: the template names them. */
export const MODULE_MILESTONES: Record<string, readonly string[]> = {
  'tender-consultation': ['consultation-sent'],
  'tender-assessment': ['assessed'],
  'tender-award': ['awarded'],
};

/** The role a module fills (the tender award's winner), if any. */
function moduleRole(module: { name: string; config?: Record<string, unknown> } | undefined): string | undefined {
  if (module?.name !== 'tender-award') return undefined;
  return typeof module.config?.slot === 'string' ? module.config.slot : 'winner';
}

/** Every code of the template a user may read and that needs a label: roles, module milestones, date parameters. */
export function listLabelledCodes(t: CodedTemplate): { kind: LabelKind; key: string }[] {
  const found = new Map<string, { kind: LabelKind; key: string }>();
  const add = (kind: LabelKind, key: string | undefined) => {
    if (key && !found.has(`${kind}:${key}`)) found.set(`${kind}:${key}`, { kind, key });
  };
  for (const phase of t.phases ?? []) {
    for (const step of phase.steps ?? []) {
      if (step.assignee?.kind === 'slot') add('roles', step.assignee.slot);
      add('roles', moduleRole(step.module));
      for (const m of (step.module && MODULE_MILESTONES[step.module.name]) ?? []) add('milestones', m);
      for (const o of step.outcomes ?? []) add('outcomes', o);
    }
  }
  for (const child of t.children ?? []) add('roles', child.fillsSlot);
  for (const indicator of t.indicators ?? []) add('roles', indicator.recordedBy);
  for (const key of t.dateParams ?? []) add('dateParams', key);
  return [...found.values()];
}

