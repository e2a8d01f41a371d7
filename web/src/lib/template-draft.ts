/**
 * The editor's draft: a template document as the API takes it (no version: publication decides
 * it), edited immutably by path. Pure functions, unit tested.
 */
export type Bilingual = { fr: string; en: string };
export type Duration = { amount: number; unit: 'calendarDays' | 'workingDays' | 'seconds' };
export type DueRule =
  | { from: 'date'; date: string }
  | { from: 'programmeStart'; offset: Duration }
  | { from: 'phaseStart'; offset: Duration }
  | { from: 'stepCompleted'; stepKey: string; offset: Duration }
  | { from: 'param'; param: string; offset?: Duration };
export type AssigneeRule = { kind: 'coordinator' } | { kind: 'slot'; slot: string } | { kind: 'eachPartner' };
export interface ReminderPolicy {
  unit?: 'days' | 'seconds';
  beforeDue?: number[];
  onDue?: boolean;
  overdueEvery?: number | null;
  escalateAfter?: number | null;
}
export interface DraftStep {
  key: string;
  name: Bilingual;
  description?: Bilingual;
  assignee: AssigneeRule;
  due?: DueRule;
  dependsOn?: string[];
  deliverables?: { kind: string; label: Bilingual; min?: number; acceptance?: boolean }[];
  milestone?: boolean;
  reminders?: ReminderPolicy;
  [other: string]: unknown;
}
export interface DraftPhase {
  key: string;
  name: Bilingual;
  gate?: { requiresChildren?: { child: string; milestone?: string }[] };
  capacity?: { min?: number; max: number };
  steps: DraftStep[];
}
export interface DraftChild {
  key: string;
  templateKey: string;
  title: Bilingual;
  start: 'withParent' | 'byCoordinator';
  repeatable?: boolean;
  fillsSlot?: string;
}
/** An indicator as the editor holds it (domain/template-schema.ts ZIndicatorDefinition). */
export interface IndicatorDraft {
  key: string;
  name: Bilingual;
  target?: number;
  unit?: string;
  period?: 'month' | 'quarter' | 'year';
  dimensions?: { key: string; name: Bilingual; values: { key: string; name: Bilingual }[] }[];
  targetPerPeriod?: number;
  recordedBy?: string;
}

export interface TemplateDraft {
  key: string;
  name: Bilingual;
  description?: Bilingual;
  nonWorkingDays?: 'nextWorkingDay' | 'previousWorkingDay' | 'none';
  reminders?: ReminderPolicy;
  phases: DraftPhase[];
  children?: DraftChild[];
  indicators?: IndicatorDraft[];
  dateParams?: string[];
  /** Names of roles, module milestones and date parameters (required to publish). */
  labels?: Partial<Record<'roles' | 'milestones' | 'dateParams' | 'outcomes', Record<string, { fr: string; en?: string }>>>;
  version?: number;
}

export type Path = (string | number)[];

/** A copy of `root` with `value` at `path` (undefined removes an object key). */
export function setIn<T>(root: T, path: Path, value: unknown): T {
  if (!path.length) return value as T;
  const [head, ...rest] = path;
  const container: unknown = root ?? (typeof head === 'number' ? [] : {});
  if (Array.isArray(container)) {
    const copy = [...container];
    copy[head as number] = setIn(copy[head as number], rest, value);
    return copy as T;
  }
  const copy = { ...(container as Record<string, unknown>) };
  const next = setIn(copy[head as string], rest, value);
  if (next === undefined) delete copy[head as string];
  else copy[head as string] = next;
  return copy as T;
}

export function getIn(root: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, k) => (v == null ? undefined : (v as Record<string | number, unknown>)[k]), root);
}

/** `list` with the item at `from` moved to `to`. */
export function moveItem<T>(list: T[], from: number, to: number): T[] {
  if (to < 0 || to >= list.length || from === to) return list;
  const copy = [...list];
  const [item] = copy.splice(from, 1);
  copy.splice(to, 0, item as T);
  return copy;
}

export function blankStep(n: number): DraftStep {
  return { key: `etape-${n}`, name: { fr: '', en: '' }, assignee: { kind: 'coordinator' }, dependsOn: [], deliverables: [], milestone: false };
}

export function blankPhase(n: number): DraftPhase {
  return { key: `phase-${n}`, name: { fr: '', en: '' }, steps: [blankStep(1)] };
}

export function blankTemplate(): TemplateDraft {
  return { key: '', name: { fr: '', en: '' }, nonWorkingDays: 'nextWorkingDay', phases: [blankPhase(1)], children: [], indicators: [], dateParams: [] };
}

/** The draft for "copy and edit": a new key and names marked as a copy; everything else kept. */
export function copyTemplate(source: TemplateDraft, copyWord: { fr: string; en: string }): TemplateDraft {
  const draft = withoutVersion(structuredClone(source));
  draft.key = `${source.key}-copie`.slice(0, 64);
  draft.name = { fr: `${source.name.fr} (${copyWord.fr})`, en: `${source.name.en} (${copyWord.en})` };
  return draft;
}

export function withoutVersion(t: TemplateDraft): TemplateDraft {
  const copy = { ...t };
  delete copy.version;
  return copy;
}

/** A JSON file's content as a draft; throws when it is not a template-shaped object. */
export function parseTemplateFile(text: string): TemplateDraft {
  const value: unknown = JSON.parse(text);
  if (!value || typeof value !== 'object' || Array.isArray(value) || !Array.isArray((value as { phases?: unknown }).phases)) throw new Error('not a template');
  return withoutVersion(value as TemplateDraft);
}

/** Every step key of the draft, in order. */
export function listStepKeys(t: TemplateDraft): string[] {
  return t.phases.flatMap((p) => p.steps.map((s) => s.key));
}

/** A due rule of another kind, keeping the offset when both kinds have one. */
export function changeDueKind(current: DueRule | undefined, from: DueRule['from'] | 'none', firstStep: string, firstParam: string): DueRule | undefined {
  const offset: Duration = current && 'offset' in current && current.offset ? current.offset : { amount: 7, unit: 'calendarDays' };
  switch (from) {
    case 'none':
      return undefined;
    case 'date':
      return { from, date: current?.from === 'date' ? current.date : '' };
    case 'programmeStart':
    case 'phaseStart':
      return { from, offset };
    case 'stepCompleted':
      return { from, stepKey: current?.from === 'stepCompleted' ? current.stepKey : firstStep, offset };
    case 'param':
      return { from, param: current?.from === 'param' ? current.param : firstParam, offset };
  }
}
