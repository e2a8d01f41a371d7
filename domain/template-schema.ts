import { z } from 'zod';
import { DATE_RANGE, isDateInRange, isInstantInRange } from './calendar';
import { WEEKDAYS } from './schedule';
import { listLabelledCodes } from './template-codes';

/**
 * The template model: one zod schema that validates built-in and published templates,
 * feeds the OpenAPI document and types the workflow's snapshot. Naming rule across the
 * code base: schemas are `Z…`, their inferred types drop the `Z`.
 */

export const KEY_PATTERN = /^[a-z0-9][a-z0-9-]*$/;
const ZKey = z.string().min(1).max(64).regex(KEY_PATTERN, 'use lower-case letters, digits and dashes');

const OUT_OF_RANGE = `expected a date between ${DATE_RANGE.min} and ${DATE_RANGE.max}`;
/** The range's years as a pattern, so the OpenAPI document says it too (a refinement is invisible there). */
export const IN_RANGE_YEAR = /^(199\d|20\d\d|2100)-/;
/** A calendar date in the product's one range (1990-01-01 to 2100-12-31). */
// The range check first, stopping there when it fails: the pattern says the same and would report it twice.
export const ZIsoDate = z.iso
  .date({ message: 'expected a date as YYYY-MM-DD' })
  .refine(isDateInRange, { message: OUT_OF_RANGE, params: { code: 'date_out_of_range' }, abort: true })
  .regex(IN_RANGE_YEAR, OUT_OF_RANGE);
/** An ISO instant with an offset, in the same range. */
export const ZIsoInstant = z.iso.datetime({ offset: true }).regex(IN_RANGE_YEAR, OUT_OF_RANGE).refine(isInstantInRange, { message: OUT_OF_RANGE, params: { code: 'date_out_of_range' } });

/** A due date on a weekend or a French public holiday moves to the next or previous working day, or stays ('none'). */
export const ZNonWorkingDayRule = z.enum(['nextWorkingDay', 'previousWorkingDay', 'none']);

export const ZLocalisedText = z.object({ fr: z.string().min(1), en: z.string().min(1) });
export type LocalisedText = z.infer<typeof ZLocalisedText>;

/** What a user reads for a code of the template (a role, a milestone, a date to supply): French, English optional. */
export const ZLabel = z.object({ fr: z.string().trim().min(1), en: z.string().trim().min(1).optional() });
export type Label = z.infer<typeof ZLabel>;

/**
 * The names of the template's codes that have no name field of their own: roles (slots filled at
 * enrolment or by a module), milestones a module records, dates supplied at start. Optional when
 * reading (template versions stored before labels existed); required to publish (ZPublishableTemplate).
 */
export const ZTemplateLabels = z.object({
  roles: z.record(z.string(), ZLabel).default({}),
  milestones: z.record(z.string(), ZLabel).default({}),
  dateParams: z.record(z.string(), ZLabel).default({}),
  /** Outcomes a step records (retained, not retained…): named once, shared by every step listing the code. */
  outcomes: z.record(z.string(), ZLabel).optional(),
});
export type TemplateLabels = z.infer<typeof ZTemplateLabels>;
export type { LabelKind } from './template-codes';

export const ZDuration = z.object({
  amount: z.number().int().min(0),
  /** `seconds` exists for test and demo templates; real templates count days. */
  unit: z.enum(['calendarDays', 'workingDays', 'seconds']),
});
export type Duration = z.infer<typeof ZDuration>;

export const ZDueRule = z.discriminatedUnion('from', [
  z.object({ from: z.literal('date'), date: ZIsoDate }),
  z.object({ from: z.literal('programmeStart'), offset: ZDuration }),
  z.object({ from: z.literal('phaseStart'), offset: ZDuration }),
  z.object({ from: z.literal('stepCompleted'), stepKey: ZKey, offset: ZDuration }),
  /** A date supplied when the programme starts (`params.dates[name]`), e.g. a bid deadline. */
  z.object({ from: z.literal('param'), param: ZKey, offset: ZDuration.optional() }),
]);
export type DueRule = z.infer<typeof ZDueRule>;

export const ZAssigneeRule = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('coordinator') }),
  /** A named organisation slot (contractor, evaluator, winner…) filled at enrolment or by a module. */
  z.object({ kind: z.literal('slot'), slot: ZKey }),
  /** Every organisation enrolled in the step's phase must complete its own part. */
  z.object({ kind: z.literal('eachPartner') }),
]);
export type AssigneeRule = z.infer<typeof ZAssigneeRule>;

export const ZDeliverableRequirement = z.object({
  kind: ZKey,
  label: ZLocalisedText,
  min: z.number().int().min(1).default(1),
  /** When true a coordinator must accept the deliverable before the step can complete. */
  acceptance: z.boolean().default(false),
});
export type DeliverableRequirement = z.infer<typeof ZDeliverableRequirement>;

export const ZReminderPolicy = z.object({
  unit: z.enum(['days', 'seconds']).default('days'),
  beforeDue: z.array(z.number().int().min(1)).max(10).default([7, 1]),
  onDue: z.boolean().default(true),
  overdueEvery: z.number().int().min(1).nullable().default(3),
  /** Escalate to the coordinator after this many overdue reminders. */
  escalateAfter: z.number().int().min(1).nullable().default(2),
});
export type ReminderPolicy = z.infer<typeof ZReminderPolicy>;

export const ZModuleRef = z.object({
  name: z.string().regex(/^[a-z][a-z0-9-]*$/),
  config: z.record(z.string(), z.unknown()).default({}),
});
export type ModuleRef = z.infer<typeof ZModuleRef>;

/**
 * Issue 19, outcome branches: a phase or step opens only when an earlier step recorded this
 * outcome; on any other outcome it is skipped ("sans objet": never late, never reminded).
 */
export const ZBranchCondition = z.object({ step: ZKey, outcome: ZKey });
export type BranchCondition = z.infer<typeof ZBranchCondition>;


/**
 * Issue 19, recurring steps: the step is repeated on a schedule; each occurrence is its own step
 * (own due date, reminders, deliverables). The first occurrence falls `startAfter` weeks or months
 * after the programme's start date (on `weekday`, or on `dayOfMonth`: the month's last day when
 * shorter), then every `every` weeks or months, until `until` (inclusive) or for the programme's
 * life (domain/schedule.ts). `seconds` exists for test templates only (occurrences `startAfter`,
 * then `every`, seconds after the run's start).
 */
export const ZRecurrence = z.object({
  every: z.number().int().min(1).max(520),
  unit: z.enum(['weeks', 'months', 'seconds']),
  weekday: z.enum(WEEKDAYS).optional(),
  dayOfMonth: z.number().int().min(1).max(31).optional(),
  startAfter: z.number().int().min(0).max(1200).default(0),
  until: ZIsoDate.optional(),
});
export type Recurrence = z.infer<typeof ZRecurrence>;

export const ZStep = z.object({
  key: ZKey,
  name: ZLocalisedText,
  description: ZLocalisedText.optional(),
  assignee: ZAssigneeRule,
  due: ZDueRule.optional(),
  dependsOn: z.array(ZKey).default([]),
  deliverables: z.array(ZDeliverableRequirement).default([]),
  milestone: z.boolean().default(false),
  reminders: ZReminderPolicy.optional(),
  /** Completing the step requires this many of `indicator` to be recorded first (e.g. interviews held). */
  indicator: z.object({ key: ZKey, atLeast: z.number().min(0).default(0) }).optional(),
  /** Lifecycle-specific rules (see domain/programme/modules); the generic engine knows none of them. */
  module: ZModuleRef.optional(),
  /** Codes of the outcomes completing this step records, one of them required (names in labels.outcomes). */
  outcomes: z.array(ZKey).min(2).max(10).optional(),
  /** Opens only when an earlier step recorded this outcome; skipped otherwise. */
  when: ZBranchCondition.optional(),
  /** Repeated on a schedule; the due date of each occurrence is its scheduled date. */
  repeat: ZRecurrence.optional(),
});
export type Step = z.infer<typeof ZStep>;

export const ZPhase = z.object({
  key: ZKey,
  name: ZLocalisedText,
  /** An entry gate a coordinator approves before the phase opens. */
  gate: z
    .object({
      requiresChildren: z
        .array(z.object({ child: ZKey, milestone: ZKey.optional() }))
        .default([]),
    })
    .optional(),
  capacity: z
    .object({ min: z.number().int().min(0).default(0), max: z.number().int().min(1, 'capacity must be at least 1') })
    .optional(),
  /** Opens only when an earlier step recorded this outcome; skipped with all its steps otherwise. */
  when: ZBranchCondition.optional(),
  steps: z.array(ZStep).min(1, 'a phase needs at least one step'),
});
export type Phase = z.infer<typeof ZPhase>;

export const ZChildDefinition = z.object({
  key: ZKey,
  templateKey: ZKey,
  title: ZLocalisedText,
  /** `withParent`: started with the programme; `byCoordinator`: opened on demand (repeatable for sectors). */
  start: z.enum(['withParent', 'byCoordinator']),
  repeatable: z.boolean().default(false),
  /** The sub-programme's `winner` (a tender's awardee) fills this slot of the parent, e.g. the evaluator. */
  fillsSlot: ZKey.optional(),
});
export type ChildDefinition = z.infer<typeof ZChildDefinition>;

/** A periodic indicator's period as written in an entry (its kind is checked against the indicator by the workflow). */
export const ZIndicatorPeriodText = z.string().regex(/^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]))?$/, 'a month (2026-03), a quarter (2026-Q1) or a year (2026)');

/** A dimension of a periodic indicator (e.g. the site), with the values a count is entered for. */
export const ZIndicatorDimension = z.object({
  key: ZKey,
  name: ZLocalisedText,
  values: z.array(z.object({ key: ZKey, name: ZLocalisedText })).min(1, 'a dimension needs at least one value').max(50),
});
export type IndicatorDimension = z.infer<typeof ZIndicatorDimension>;

export const ZIndicatorDefinition = z.object({
  key: ZKey,
  name: ZLocalisedText,
  /** Over the programme's life (a periodic indicator: the sum of every period). */
  target: z.number().min(0).optional(),
  unit: z.string().optional(),
  /** Issue 19: counts entered per month, quarter or year (absent: one running value). */
  period: z.enum(['month', 'quarter', 'year']).optional(),
  /** Each period's count is entered per value of these (e.g. per site). */
  dimensions: z.array(ZIndicatorDimension).max(3).optional(),
  /** The target of each period, over all dimension values. */
  targetPerPeriod: z.number().min(0).optional(),
  /** Only the organisation in this role (and coordinators) enters it; absent: any partner of the programme. */
  recordedBy: ZKey.optional(),
});
export type IndicatorDefinition = z.infer<typeof ZIndicatorDefinition>;

const ZTemplateBase = z.object({
  key: ZKey,
  version: z.number().int().min(1),
  name: ZLocalisedText,
  description: ZLocalisedText.optional(),
  reminders: ZReminderPolicy.default(ZReminderPolicy.parse({})),
  /** Day-based due dates only; the built-in templates use 'nextWorkingDay'. */
  nonWorkingDays: ZNonWorkingDayRule.default('none'),
  phases: z.array(ZPhase).min(1, 'a template needs at least one phase'),
  children: z.array(ZChildDefinition).default([]),
  indicators: z.array(ZIndicatorDefinition).default([]),
  /** Dates to supply at start, e.g. { bidDeadline: … }. */
  dateParams: z.array(ZKey).default([]),
  labels: ZTemplateLabels.default({ roles: {}, milestones: {}, dateParams: {} }),
});

/** A template as published (POST /api/v1/templates): its version is given by the server, one above the latest. */
export const ZTemplatePublication = ZTemplateBase.extend({ version: z.number().int().min(1).max(2_147_483_647).optional() });

export const ZTemplate = ZTemplateBase.superRefine((t, ctx) => {
  // `params` carries a stable code and its values, so a screen can say the same thing in French.
  const problem = (path: (string | number)[], message: string, code: string, values: Record<string, string> = {}) =>
    ctx.addIssue({ code: 'custom', path, message, params: { code, ...values } });
  const phaseKeys = new Set<string>();
  const steps = new Map<string, { phase: number; step: number }>();
  t.phases.forEach((phase, p) => {
    if (phaseKeys.has(phase.key)) problem(['phases', p, 'key'], `duplicate phase key "${phase.key}"`, 'duplicate_phase_key', { key: phase.key });
    phaseKeys.add(phase.key);
    if (phase.capacity && phase.capacity.min > phase.capacity.max) {
      problem(['phases', p, 'capacity', 'min'], 'min capacity exceeds max capacity', 'capacity_min_above_max');
    }
    phase.steps.forEach((step, s) => {
      if (steps.has(step.key)) problem(['phases', p, 'steps', s, 'key'], `duplicate step key "${step.key}"`, 'duplicate_step_key', { key: step.key });
      steps.set(step.key, { phase: p, step: s });
      if (step.assignee.kind === 'eachPartner' && !phase.capacity) {
        problem(['phases', p, 'steps', s, 'assignee'], 'an "eachPartner" step needs a phase that takes enrolments (set capacity)', 'each_partner_needs_capacity');
      }
    });
  });
  const childKeys = new Set(t.children.map((c) => c.key));
  const indicatorKeys = new Set(t.indicators.map((i) => i.key));
  t.phases.forEach((phase, p) => {
    phase.gate?.requiresChildren.forEach((req, r) => {
      if (!childKeys.has(req.child)) problem(['phases', p, 'gate', 'requiresChildren', r, 'child'], `unknown child "${req.child}"`, 'unknown_child', { key: req.child });
    });
    phase.steps.forEach((step, s) => {
      const at = ['phases', p, 'steps', s];
      step.dependsOn.forEach((dep, d) => {
        if (!steps.has(dep)) problem([...at, 'dependsOn', d], `unknown step "${dep}"`, 'unknown_step', { key: dep });
        if (dep === step.key) problem([...at, 'dependsOn', d], 'a step cannot depend on itself', 'self_dependency');
        const depAt = steps.get(dep);
        if (depAt && depAt.phase > p) problem([...at, 'dependsOn', d], `step "${dep}" belongs to a later phase`, 'dependency_in_later_phase', { key: dep });
      });
      if (step.due?.from === 'stepCompleted' && !steps.has(step.due.stepKey)) {
        problem([...at, 'due', 'stepKey'], `unknown step "${step.due.stepKey}"`, 'unknown_step', { key: step.due.stepKey });
      }
      if (step.due?.from === 'param' && !t.dateParams.includes(step.due.param)) {
        problem([...at, 'due', 'param'], `"${step.due.param}" is not declared in dateParams`, 'undeclared_date_param', { key: step.due.param });
      }
      if (step.indicator && !indicatorKeys.has(step.indicator.key)) {
        problem([...at, 'indicator', 'key'], `unknown indicator "${step.indicator.key}"`, 'unknown_indicator', { key: step.indicator.key });
      }
    });
  });
  checkBranchesAndSchedules(t, steps, problem);
  checkPeriodicIndicators(t, problem);
  const cycle = findDependencyCycle(t.phases.flatMap((ph) => ph.steps));
  if (cycle) problem(['phases'], `dependency cycle: ${cycle.join(' → ')}`, 'dependency_cycle', { cycle: cycle.join(' → ') });
});
export type Template = z.output<typeof ZTemplate>;
export type TemplateInput = z.input<typeof ZTemplate>;

/**
 * A template that may be published (POST /api/v1/templates, the editor, the built-in templates):
 * ZTemplate's rules, plus a French label for every role, module milestone and date parameter.
 * Reading a stored version uses ZTemplate alone, so versions published before labels still load.
 */
export const ZPublishableTemplate = ZTemplate.superRefine((t, ctx) => {
  for (const { kind, key } of listLabelledCodes(t)) {
    // A blank French label is reported by ZLabel itself, at the same path.
    if (!t.labels[kind]?.[key]) {
      ctx.addIssue({ code: 'custom', path: ['labels', kind, key, 'fr'], message: `"${key}" needs a French label in labels.${kind}`, params: { code: `label_missing_${kind}`, key } });
    }
  }
});

/** Issue 19: a period for per-period targets and dimensions; unique dimension and value keys. */
function checkPeriodicIndicators(t: z.output<typeof ZTemplateBase>, problem: ProblemSink): void {
  t.indicators.forEach((indicator, i) => {
    const at = ['indicators', i];
    if (!indicator.period) {
      if (indicator.targetPerPeriod !== undefined) problem([...at, 'targetPerPeriod'], 'a target per period needs a period', 'indicator_needs_period');
      if (indicator.dimensions?.length) problem([...at, 'dimensions'], 'dimensions need a period', 'indicator_needs_period');
    }
    const dimensionKeys = new Set<string>();
    indicator.dimensions?.forEach((dimension, d) => {
      if (dimensionKeys.has(dimension.key)) problem([...at, 'dimensions', d, 'key'], `duplicate dimension "${dimension.key}"`, 'duplicate_dimension_key', { key: dimension.key });
      dimensionKeys.add(dimension.key);
      const valueKeys = new Set<string>();
      dimension.values.forEach((value, v) => {
        if (valueKeys.has(value.key)) problem([...at, 'dimensions', d, 'values', v, 'key'], `duplicate value "${value.key}"`, 'duplicate_dimension_key', { key: value.key });
        valueKeys.add(value.key);
      });
    });
  });
}

type ProblemSink = (path: (string | number)[], message: string, code: string, values?: Record<string, string>) => void;

/**
 * Issue 19: outcome lists, branch conditions (`when`) and schedules (`repeat`). A condition names
 * a step of an earlier phase (or, for a step, an earlier step of its own phase) that lists the
 * outcome; nothing depends on a recurring step, whose series may never end.
 */
function checkBranchesAndSchedules(t: z.output<typeof ZTemplateBase>, steps: Map<string, { phase: number; step: number }>, problem: ProblemSink): void {
  const stepDef = (key: string) => {
    const at = steps.get(key);
    return at && t.phases[at.phase]!.steps[at.step]!;
  };
  const checkWhen = (when: BranchCondition, at: (string | number)[], phase: number, step?: number) => {
    const target = steps.get(when.step);
    const def = stepDef(when.step);
    if (!target || !def) return problem([...at, 'when', 'step'], `unknown step "${when.step}"`, 'unknown_step', { key: when.step });
    const earlier = target.phase < phase || (step !== undefined && target.phase === phase && target.step < step);
    if (!earlier) return problem([...at, 'when', 'step'], `step "${when.step}" must come before`, 'branch_step_not_earlier', { key: when.step });
    if (!def.outcomes?.length) return problem([...at, 'when', 'step'], `step "${when.step}" records no outcome`, 'step_without_outcomes', { key: when.step });
    if (!def.outcomes.includes(when.outcome)) problem([...at, 'when', 'outcome'], `step "${when.step}" has no outcome "${when.outcome}"`, 'unknown_outcome', { key: when.outcome });
  };
  t.phases.forEach((phase, p) => {
    if (phase.when) checkWhen(phase.when, ['phases', p], p);
    phase.steps.forEach((step, s) => {
      const at = ['phases', p, 'steps', s];
      if (step.when) checkWhen(step.when, at, p, s);
      step.outcomes?.forEach((o, i) => {
        if (step.outcomes!.indexOf(o) !== i) problem([...at, 'outcomes', i], `duplicate outcome "${o}"`, 'duplicate_outcome', { key: o });
      });
      const refs = [...step.dependsOn.map((d, i) => ({ key: d, path: ['dependsOn', i] as (string | number)[] })), ...(step.due?.from === 'stepCompleted' ? [{ key: step.due.stepKey, path: ['due', 'stepKey'] }] : [])];
      for (const ref of refs) if (stepDef(ref.key)?.repeat) problem([...at, ...ref.path], `step "${ref.key}" repeats: nothing can wait for it`, 'depends_on_recurring_step', { key: ref.key });
      const r = step.repeat;
      if (!r) return;
      if (step.due) problem([...at, 'due'], 'a recurring step is due on each scheduled date', 'recurring_step_due_rule');
      if (step.outcomes) problem([...at, 'outcomes'], 'a recurring step records no outcome', 'recurring_step_outcomes');
      if (r.weekday && r.unit !== 'weeks') problem([...at, 'repeat', 'weekday'], 'a weekday goes with a weekly schedule', 'repeat_day_mismatch');
      if (r.dayOfMonth && r.unit !== 'months') problem([...at, 'repeat', 'dayOfMonth'], 'a day of the month goes with a monthly schedule', 'repeat_day_mismatch');
    });
  });
  t.phases.forEach((phase, p) => {
    if (phase.when && stepDef(phase.when.step)?.repeat) problem(['phases', p, 'when', 'step'], `step "${phase.when.step}" repeats`, 'depends_on_recurring_step', { key: phase.when.step });
  });
}

/** Depth-first search; returns the first cycle found as a list of step keys, closed on itself. */
export function findDependencyCycle(steps: { key: string; dependsOn: string[] }[]): string[] | undefined {
  const deps = new Map(steps.map((s) => [s.key, s.dependsOn]));
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (key: string): string[] | undefined => {
    if (state.get(key) === 'done') return undefined;
    if (state.get(key) === 'visiting') return [...stack.slice(stack.indexOf(key)), key];
    state.set(key, 'visiting');
    stack.push(key);
    for (const dep of deps.get(key) ?? []) {
      if (!deps.has(dep)) continue;
      const found = visit(dep);
      if (found) return found;
    }
    stack.pop();
    state.set(key, 'done');
    return undefined;
  };
  for (const s of steps) {
    const found = visit(s.key);
    if (found) return found;
  }
  return undefined;
}

export interface TemplateProblem {
  path: string;
  message: string;
}

export function validateTemplate(input: unknown): { ok: true; template: Template } | { ok: false; problems: TemplateProblem[] } {
  const parsed = ZPublishableTemplate.safeParse(input);
  if (parsed.success) return { ok: true, template: parsed.data };
  return {
    ok: false,
    problems: parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
  };
}
