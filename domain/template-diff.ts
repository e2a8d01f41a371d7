import type { Template } from './template-schema';

/**
 * What changed between two versions of a template, element by element (matched by key), for a
 * readable diff: a screen words each change from its `kind` and `field`; `before`/`after` hold
 * the values as they are in the template.
 */
export type TemplateChange =
  | { kind: 'added' | 'removed'; target: 'phase' | 'step' | 'indicator' | 'child' | 'dateParam'; key: string; phaseKey?: string }
  | { kind: 'changed'; target: 'template' | 'phase' | 'step' | 'indicator' | 'child'; key: string; field: string; before: unknown; after: unknown }
  | { kind: 'moved'; target: 'step'; key: string; before: string; after: string }
  | { kind: 'reordered'; target: 'phases' | 'steps'; key: string; before: string[]; after: string[] };

const TEMPLATE_FIELDS = ['name', 'description', 'nonWorkingDays', 'reminders'] as const;
const PHASE_FIELDS = ['name', 'gate', 'capacity'] as const;
const STEP_FIELDS = ['name', 'description', 'assignee', 'due', 'dependsOn', 'deliverables', 'milestone', 'reminders', 'indicator', 'module'] as const;
const INDICATOR_FIELDS = ['name', 'target', 'unit', 'period', 'targetPerPeriod', 'recordedBy', 'dimensions'] as const;
const CHILD_FIELDS = ['templateKey', 'title', 'start', 'repeatable', 'fillsSlot'] as const;

export function diffTemplates(before: Template, after: Template): TemplateChange[] {
  const changes: TemplateChange[] = [];
  compareFields(changes, 'template', after.key, before, after, TEMPLATE_FIELDS);

  const phasesBefore = new Map(before.phases.map((p) => [p.key, p]));
  const phasesAfter = new Map(after.phases.map((p) => [p.key, p]));
  for (const p of after.phases) if (!phasesBefore.has(p.key)) changes.push({ kind: 'added', target: 'phase', key: p.key });
  for (const p of before.phases) if (!phasesAfter.has(p.key)) changes.push({ kind: 'removed', target: 'phase', key: p.key });
  for (const p of after.phases) {
    const old = phasesBefore.get(p.key);
    if (old) compareFields(changes, 'phase', p.key, old, p, PHASE_FIELDS);
  }
  const keptPhases = (t: Template) => t.phases.map((p) => p.key).filter((k) => phasesBefore.has(k) && phasesAfter.has(k));
  if (!sameList(keptPhases(before), keptPhases(after))) changes.push({ kind: 'reordered', target: 'phases', key: after.key, before: keptPhases(before), after: keptPhases(after) });

  const stepsIn = (t: Template) => new Map(t.phases.flatMap((p) => p.steps.map((s) => [s.key, { step: s, phaseKey: p.key }] as const)));
  const stepsBefore = stepsIn(before);
  const stepsAfter = stepsIn(after);
  for (const [key, { phaseKey }] of stepsAfter) if (!stepsBefore.has(key)) changes.push({ kind: 'added', target: 'step', key, phaseKey });
  for (const [key, { phaseKey }] of stepsBefore) if (!stepsAfter.has(key)) changes.push({ kind: 'removed', target: 'step', key, phaseKey });
  for (const [key, now] of stepsAfter) {
    const old = stepsBefore.get(key);
    if (!old) continue;
    if (old.phaseKey !== now.phaseKey) changes.push({ kind: 'moved', target: 'step', key, before: old.phaseKey, after: now.phaseKey });
    compareFields(changes, 'step', key, old.step, now.step, STEP_FIELDS);
  }
  for (const p of after.phases) {
    const old = phasesBefore.get(p.key);
    if (!old) continue;
    const kept = (keys: string[]) => keys.filter((k) => old.steps.some((s) => s.key === k) && p.steps.some((s) => s.key === k));
    const b = kept(old.steps.map((s) => s.key));
    const a = kept(p.steps.map((s) => s.key));
    if (!sameList(a, b)) changes.push({ kind: 'reordered', target: 'steps', key: p.key, before: b, after: a });
  }

  compareKeyed(changes, 'indicator', before.indicators, after.indicators, INDICATOR_FIELDS);
  compareKeyed(changes, 'child', before.children, after.children, CHILD_FIELDS);
  for (const d of after.dateParams) if (!before.dateParams.includes(d)) changes.push({ kind: 'added', target: 'dateParam', key: d });
  for (const d of before.dateParams) if (!after.dateParams.includes(d)) changes.push({ kind: 'removed', target: 'dateParam', key: d });
  return changes;
}

function compareKeyed<T extends { key: string }>(changes: TemplateChange[], target: 'indicator' | 'child', before: T[], after: T[], fields: readonly (keyof T & string)[]): void {
  const old = new Map(before.map((x) => [x.key, x]));
  const now = new Map(after.map((x) => [x.key, x]));
  for (const x of after) {
    const o = old.get(x.key);
    if (!o) changes.push({ kind: 'added', target, key: x.key });
    else compareFields(changes, target, x.key, o, x, fields);
  }
  for (const x of before) if (!now.has(x.key)) changes.push({ kind: 'removed', target, key: x.key });
}

function compareFields<T extends object>(changes: TemplateChange[], target: 'template' | 'phase' | 'step' | 'indicator' | 'child', key: string, before: T, after: T, fields: readonly (keyof T & string)[]): void {
  for (const field of fields) {
    if (!sameValue(before[field], after[field])) changes.push({ kind: 'changed', target, key, field, before: before[field], after: after[field] });
  }
}

function sameList(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Structural equality that ignores key order (JSON documents from the editor or the database). */
export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([x], [y]) => (x < y ? -1 : 1));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}
