import { z } from 'zod';
import type { DeliverableState, ProgrammeState, StepState, StepStatus } from '../domain/programme-state';
import { ZTemplateLabels, type Template } from '../domain/template-schema';
import { labelsOf } from '../templates/labels';
import { toParisDate } from '../domain/calendar';
import { definitionKey } from '../domain/step-row-key';
import { indicatorCells, type IndicatorEntry } from '../domain/indicator-periods';
import type { SessionUser } from './auth';
import {
  canSeeCapacity,
  canSeeDeliverable,
  canSeeStep,
  confidentialScope,
  visibleAssignee,
  visibleCompletion,
  visibleEnrolments,
  visibleModuleState,
  visibleParts,
  type Viewer,
} from '../domain/visibility';

const ZLabelledName = z.object({ fr: z.string(), en: z.string().optional() });
const ZIndicatorEntryView = z.object({
  value: z.number(),
  /** Who entered it (null: a partner's colleague a partner may not see named). */
  recordedByName: z.string().nullable(),
  recordedAt: z.string(),
});

/** An indicator against its targets; a periodic one (issue 19) with its current value per period and dimension value, and what each corrected. */
export const ZIndicatorView = z.object({
  key: z.string(),
  name: z.string(),
  nameEn: z.string().optional(),
  target: z.number().nullable(),
  /** Over the programme's life (a periodic indicator: the sum of every cell's current value). */
  actual: z.number(),
  unit: z.string().nullable(),
  period: z.enum(['month', 'quarter', 'year']).nullable(),
  targetPerPeriod: z.number().nullable(),
  dimensions: z.array(z.object({ key: z.string(), name: ZLabelledName, values: z.array(z.object({ key: z.string(), name: ZLabelledName })) })),
  /** The role that enters it, by its label (null: any partner of the programme, or the coordinators). */
  recordedBy: ZLabelledName.nullable(),
  cells: z.array(ZIndicatorEntryView.extend({
    period: z.string(),
    dimensions: z.record(z.string(), z.string()),
    /** Earlier entries of the same cell, oldest first: what the current one corrected. */
    corrections: z.array(ZIndicatorEntryView),
  })),
});

/** Who a user is, for naming the author of an indicator entry. */
export interface PersonName {
  name: string;
  organisationId: string | null;
}

/** What the API answers for a programme: built from the projected state, filtered for the caller. */
export const ZDeliverableView = z.object({
  id: z.string(),
  kind: z.string(),
  title: z.string(),
  url: z.string().optional(),
  file: z.object({ name: z.string(), size: z.number(), sha256: z.string(), mediaType: z.string() }).optional(),
  organisationId: z.string().optional(),
  status: z.enum(['submitted', 'accepted', 'rejected']),
  addedAt: z.string(),
  addedBy: z.string(),
  reviewNote: z.string().optional(),
});

/** Every status a step can hold (domain/programme-state.ts StepStatus). */
export const ZStepStatus = z.enum(['pending', 'active', 'completed', 'cancelled', 'skipped']) satisfies z.ZodType<StepStatus>;

export const ZStepView = z.object({
  key: z.string(),
  name: z.string(),
  nameEn: z.string(),
  status: ZStepStatus,
  dueDate: z.string().nullable(),
  dueAt: z.string().nullable(),
  late: z.boolean(),
  milestone: z.boolean(),
  assignee: z.object({ kind: z.string(), organisationId: z.string().optional(), organisationIds: z.array(z.string()).optional(), slot: z.string().optional() }),
  expectedDeliverables: z.array(z.object({ kind: z.string(), label: z.string(), min: z.number(), acceptance: z.boolean() })),
  deliverables: z.array(ZDeliverableView),
  completedAt: z.string().nullable(),
  completedBy: z.string().nullable(),
  onBehalfOf: z.string().nullable(),
  parts: z.record(z.string(), z.object({ at: z.string(), by: z.string() })),
  /** Issue 19: the outcomes completing the step records (codes named in the programme's labels.outcomes), and the one recorded. */
  outcomes: z.array(z.string()).optional(),
  outcome: z.string().optional(),
  /** Issue 19: the step opens only on this outcome of an earlier step. */
  when: z.object({ step: z.string(), outcome: z.string() }).optional(),
  /** Issue 19: one occurrence of a recurring step: its number and scheduled date (YYYY-MM-DD). */
  occurrence: z.object({ n: z.number(), on: z.string() }).optional(),
});

export const ZProgrammeView = z.object({
  id: z.string(),
  title: z.string(),
  templateKey: z.string(),
  templateVersion: z.number(),
  status: z.enum(['active', 'paused', 'completed', 'cancelled']),
  cancelReason: z.string().optional(),
  startDate: z.string(),
  parentId: z.string().nullable(),
  coordinatorId: z.string().nullable(),
  children: z.array(z.object({ id: z.string(), childKey: z.string(), title: z.string(), templateKey: z.string(), status: z.string(), milestones: z.array(z.string()) })),
  partners: z.array(z.object({ organisationId: z.string(), phaseKey: z.string(), slot: z.string().optional(), enrolledAt: z.string() })),
  phases: z.array(
    z.object({
      key: z.string(),
      name: z.string(),
      nameEn: z.string(),
      status: z.enum(['pending', 'awaiting_gate', 'active', 'completed', 'cancelled', 'skipped']),
      gate: z.boolean(),
      /** Issue 19: the phase opens only on this outcome of an earlier step. */
      when: z.object({ step: z.string(), outcome: z.string() }).optional(),
      capacity: z.object({ min: z.number(), max: z.number(), enrolled: z.number() }).nullable(),
      openedAt: z.string().nullable(),
      steps: z.array(ZStepView),
    }),
  ),
  milestones: z.array(z.object({ key: z.string(), at: z.string() })),
  /** Names of the template's roles, module milestones and date parameters (an old version's gaps filled from the built-in template). */
  labels: ZTemplateLabels,
  indicators: z.array(z.lazy(() => ZIndicatorView)),
  moduleState: z.record(z.string(), z.unknown()).optional(),
  /** The caller is on the programme's team (admins always): coordinator actions are open to them. */
  onTeam: z.boolean(),
});
export type ProgrammeView = z.infer<typeof ZProgrammeView>;
export type IndicatorView = z.infer<typeof ZIndicatorView>;
export type StepView = z.infer<typeof ZStepView>;

/** A deliverable as clients see it: the file's storage key stays on the server. */
export function toDeliverableView({ file, ...d }: DeliverableState): z.infer<typeof ZDeliverableView> {
  return { ...d, file: file && { name: file.name, size: file.size, sha256: file.sha256, mediaType: file.mediaType } };
}

/** The caller as the visibility rule knows them, for one programme (`onTeam` from server/programme-team.ts). */
export function viewerOf(user: SessionUser, onTeam: boolean): Viewer {
  return { userId: user.id, role: user.role, organisationId: user.organisationId, onTeam: user.role === 'admin' || (user.role === 'coordinator' && onTeam) };
}

export function buildStepView(template: Template, state: ProgrammeState, step: StepState, viewer: Viewer, scope = confidentialScope(template, state)): StepView {
  const def = template.phases.flatMap((p) => p.steps).find((s) => s.key === definitionKey(step.key))!;
  const deliverables = step.deliverables.filter((d) => canSeeDeliverable(scope, step, d, viewer));
  const parts = visibleParts(scope, step, step.parts, viewer);
  return {
    key: step.key,
    name: def.name.fr,
    nameEn: def.name.en,
    status: step.status,
    dueDate: step.dueAt ? toParisDate(new Date(step.dueAt)) : null,
    dueAt: step.dueAt ?? null,
    late: step.late,
    milestone: def.milestone,
    assignee: visibleAssignee(scope, step, viewer),
    expectedDeliverables: def.deliverables.map((d) => ({ kind: d.kind, label: d.label.fr, min: d.min, acceptance: d.acceptance })),
    deliverables: deliverables.map(toDeliverableView),
    completedAt: step.completedAt ?? null,
    ...visibleCompletion(scope, step, viewer),
    parts: Object.fromEntries(Object.entries(parts).map(([k, v]) => [k, { at: v.at, by: v.by }])),
    ...(def.outcomes ? { outcomes: def.outcomes } : {}),
    ...(step.outcome ? { outcome: step.outcome } : {}),
    ...(def.when ? { when: def.when } : {}),
    ...(step.occurrence ? { occurrence: step.occurrence } : {}),
  };
}

export function buildProgrammeView(template: Template, state: ProgrammeState, viewer: Viewer, people: ReadonlyMap<string, PersonName> = new Map()): ProgrammeView {
  const partner = viewer.role === 'partner';
  const scope = confidentialScope(template, state);
  return {
    id: state.programmeId,
    title: state.title,
    templateKey: state.templateKey,
    templateVersion: state.templateVersion,
    status: state.status,
    cancelReason: state.cancelReason,
    startDate: state.startDate,
    parentId: state.parentId ?? null,
    coordinatorId: state.coordinatorId ?? null,
    children: partner ? [] : state.children.map((c) => ({ id: c.programmeId, childKey: c.childKey, title: c.title, templateKey: c.templateKey, status: c.status, milestones: c.milestones })),
    partners: state.phases.flatMap((p) => visibleEnrolments(scope, p, viewer).map((e) => ({ organisationId: e.organisationId, phaseKey: p.key, slot: e.slot, enrolledAt: e.at }))),
    phases: template.phases.map((def) => {
      const phase = state.phases.find((p) => p.key === def.key)!;
      const steps = state.steps.filter((s) => s.phaseKey === def.key && canSeeStep(s, viewer));
      return {
        key: def.key,
        name: def.name.fr,
        nameEn: def.name.en,
        status: phase.status,
        gate: Boolean(def.gate),
        ...(def.when ? { when: def.when } : {}),
        capacity: def.capacity && canSeeCapacity(scope, phase, viewer) ? { min: def.capacity.min, max: def.capacity.max, enrolled: phase.enrolled.filter((e) => !e.slot).length } : null,
        openedAt: phase.openedAt ?? null,
        steps: steps.map((s) => buildStepView(template, state, s, viewer, scope)),
      };
    }),
    milestones: state.milestones,
    labels: labelsOf(template),
    indicators: template.indicators.map((i) => buildIndicatorView(template, state, i, viewer, people)),
    moduleState: visibleModuleState(scope, state, viewer),
    onTeam: viewer.onTeam,
  };
}

/** The user ids that entered a programme's periodic indicators: the route names them (buildProgrammeView's `people`). */
export function listIndicatorAuthors(state: ProgrammeState): string[] {
  return [...new Set(Object.values(state.indicatorEntries ?? {}).flatMap((entries) => entries.map((e) => e.by)))];
}

function buildIndicatorView(template: Template, state: ProgrammeState, def: Template['indicators'][number], viewer: Viewer, people: ReadonlyMap<string, PersonName>): IndicatorView {
  // A partner sees the agency's staff and its own colleagues named, not another partner's people.
  const nameOf = (userId: string): string | null => {
    const person = people.get(userId);
    if (!person) return null;
    if (viewer.role === 'partner' && person.organisationId !== null && person.organisationId !== viewer.organisationId) return null;
    return person.name;
  };
  const entryView = (e: IndicatorEntry) => ({ value: e.value, recordedByName: nameOf(e.by), recordedAt: e.at });
  return {
    key: def.key,
    name: def.name.fr,
    ...(def.name.en ? { nameEn: def.name.en } : {}),
    target: def.target ?? null,
    actual: state.indicators[def.key] ?? 0,
    unit: def.unit ?? null,
    period: def.period ?? null,
    targetPerPeriod: def.targetPerPeriod ?? null,
    dimensions: (def.dimensions ?? []).map((d) => ({ key: d.key, name: d.name, values: d.values.map((v) => ({ key: v.key, name: v.name })) })),
    recordedBy: def.recordedBy ? (template.labels.roles[def.recordedBy] ?? null) : null,
    cells: indicatorCells(state.indicatorEntries?.[def.key] ?? []).map((cell) => ({
      period: cell.period,
      dimensions: cell.dimensions,
      ...entryView(cell.current),
      corrections: cell.earlier.map(entryView),
    })),
  };
}
