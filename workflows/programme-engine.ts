/**
 * The generic lifecycle interpreter: pure, deterministic functions over a programme's
 * state and its frozen template snapshot. The Temporal workflow (programme.ts) calls
 * these and adds durability; tests call them directly. No I/O, no clock: `now` is passed in.
 */
import type { Phase, Step, Template } from '../domain/template-schema';
import type {
  Actor,
  AuditEvent,
  DeliverableState,
  PhaseState,
  ProgrammeState,
  StepAssignee,
  StepState,
} from '../domain/programme-state';
import { findModule, type NotificationRequest } from './modules';
import { refuse, type Refusal } from './refusal';

export interface ProgrammeStartInput {
  programmeId: string;
  title: string;
  template: Template;
  startDate: string;
  coordinatorId?: string;
  parentId?: string;
  dates?: Record<string, string>;
  slots?: Record<string, string>;
}

export function createInitialState(input: ProgrammeStartInput, now: Date): ProgrammeState {
  const state = buildInitialState(input, now);
  // Assignees are known from the start where slots are filled, so partners see what is coming.
  for (const step of state.steps) step.assignee = resolveAssignee(input.template, state, step);
  return state;
}

function buildInitialState(input: ProgrammeStartInput, now: Date): ProgrammeState {
  const t = input.template;
  let position = 0;
  return {
    programmeId: input.programmeId,
    title: input.title,
    templateKey: t.key,
    templateVersion: t.version,
    status: 'active',
    startDate: input.startDate,
    startedAt: now.toISOString(),
    coordinatorId: input.coordinatorId,
    parentId: input.parentId,
    dates: { ...(input.dates ?? {}) },
    slots: { ...(input.slots ?? {}) },
    phases: t.phases.map((p) => ({ key: p.key, status: 'pending', enrolled: [] })),
    steps: t.phases.flatMap((p) =>
      p.steps.map((s) => ({
        key: s.key,
        phaseKey: p.key,
        position: position++,
        status: 'pending' as const,
        assignee: { kind: 'coordinator' } as StepAssignee,
        late: false,
        parts: {},
        deliverables: [],
        remindersSent: [],
      })),
    ),
    children: [],
    indicators: Object.fromEntries(t.indicators.map((i) => [i.key, 0])),
    milestones: [],
    moduleState: {},
    version: 0,
    eventSeq: 0,
    pendingEvents: [],
  };
}

// ---------------------------------------------------------------- lookups

export function templateStep(t: Template, key: string): Step | undefined {
  for (const p of t.phases) for (const s of p.steps) if (s.key === key) return s;
  return undefined;
}
export function templatePhase(t: Template, key: string): Phase | undefined {
  return t.phases.find((p) => p.key === key);
}
export function stepState(state: ProgrammeState, key: string): StepState | undefined {
  return state.steps.find((s) => s.key === key);
}
export function phaseState(state: ProgrammeState, key: string): PhaseState | undefined {
  return state.phases.find((p) => p.key === key);
}

export function recordEvent(state: ProgrammeState, now: Date, type: string, actor: Actor | undefined, data: Record<string, unknown> = {}, onBehalfOf?: string): AuditEvent {
  state.eventSeq += 1;
  const event: AuditEvent = { seq: state.eventSeq, type, at: now.toISOString(), actorId: actor?.userId, onBehalfOf, data };
  state.pendingEvents.push(event);
  return event;
}

/** Who a step is assigned to, from its rule and the programme's enrolments and slots. */
export function resolveAssignee(t: Template, state: ProgrammeState, step: StepState): StepAssignee {
  const rule = templateStep(t, step.key)!.assignee;
  if (rule.kind === 'coordinator') return { kind: 'coordinator' };
  if (rule.kind === 'slot') {
    const org = state.slots[rule.slot];
    return org ? { kind: 'organisation', organisationId: org, slot: rule.slot } : { kind: 'unassigned', slot: rule.slot };
  }
  const phase = phaseState(state, step.phaseKey)!;
  return { kind: 'eachPartner', organisationIds: phase.enrolled.map((e) => e.organisationId) };
}

export function isAssignedTo(step: StepState, organisationId: string | undefined): boolean {
  if (!organisationId) return false;
  const a = step.assignee;
  if (a.kind === 'organisation') return a.organisationId === organisationId;
  if (a.kind === 'eachPartner') return a.organisationIds.includes(organisationId);
  return false;
}

// ---------------------------------------------------------------- advancing

export interface AdvanceResult {
  changed: boolean;
  /** Steps that just became active and have a due rule to resolve (the workflow resolves dates through an activity). */
  needDueDate: string[];
  notifications: NotificationRequest[];
}

/**
 * Moves the programme forward as far as the rules allow: opens phases, activates steps
 * whose dependencies are done, closes finished phases and the programme.
 */
export function advance(t: Template, state: ProgrammeState, now: Date): AdvanceResult {
  const result: AdvanceResult = { changed: false, needDueDate: [], notifications: [] };
  if (state.status !== 'active') return result;
  for (let guard = 0; guard < 1000; guard++) {
    if (!advanceOnce(t, state, now, result)) break;
    result.changed = true;
  }
  if (result.changed) state.version += 1;
  return result;
}

function advanceOnce(t: Template, state: ProgrammeState, now: Date, result: AdvanceResult): boolean {
  // Once the programme is completed there is nothing left to advance (the loop used to report a
  // change on every turn until its guard: 999 `programme.completed` events for one completion).
  if (state.status !== 'active') return false;
  const at = now.toISOString();
  // The first phase not completed is the current one: phases run in order.
  const current = state.phases.find((p) => p.status !== 'completed');
  if (!current) {
    state.status = 'completed';
    recordEvent(state, now, 'programme.completed', undefined);
    return true;
  }
  const def = templatePhase(t, current.key)!;
  if (current.status === 'pending') {
    if (def.gate) {
      current.status = 'awaiting_gate';
      recordEvent(state, now, 'phase.awaiting_gate', undefined, { phaseKey: current.key });
    } else {
      openPhase(state, current, now, undefined);
      result.notifications.push({ kind: 'phase_opened', phaseKey: current.key, to: { coordinator: true, organisations: current.enrolled.map((e) => e.organisationId) } });
    }
    return true;
  }
  if (current.status !== 'active') return false;
  let changed = false;
  for (const step of state.steps) {
    if (step.phaseKey !== current.key || step.status !== 'pending') continue;
    const sdef = templateStep(t, step.key)!;
    const ready = sdef.dependsOn.every((d) => stepState(state, d)?.status === 'completed');
    if (!ready) continue;
    step.status = 'active';
    step.activatedAt = at;
    step.assignee = resolveAssignee(t, state, step);
    recordEvent(state, now, 'step.activated', undefined, { stepKey: step.key });
    if (sdef.due) result.needDueDate.push(step.key);
    result.notifications.push({ kind: 'assignment', stepKey: step.key, to: recipientsOf(step) });
    changed = true;
  }
  const phaseSteps = state.steps.filter((s) => s.phaseKey === current.key);
  if (phaseSteps.every((s) => s.status === 'completed')) {
    current.status = 'completed';
    current.completedAt = at;
    recordEvent(state, now, 'phase.completed', undefined, { phaseKey: current.key });
    changed = true;
  }
  return changed;
}

function openPhase(state: ProgrammeState, phase: PhaseState, now: Date, actor: Actor | undefined): void {
  phase.status = 'active';
  phase.openedAt = now.toISOString();
  if (actor) phase.approvedBy = actor.userId;
  recordEvent(state, now, 'phase.opened', actor, { phaseKey: phase.key });
}

export function recipientsOf(step: StepState): NotificationRequest['to'] {
  const a = step.assignee;
  if (a.kind === 'organisation') return { organisations: [a.organisationId] };
  if (a.kind === 'eachPartner') return { organisations: a.organisationIds.filter((o) => !step.parts[o]) };
  return { coordinator: true };
}

/** Where a step's due rule counts from; the offset itself is resolved by an activity (holidays). */
export function dueBase(t: Template, state: ProgrammeState, stepKey: string): { base: string; kind: 'date' | 'instant'; offset?: { amount: number; unit: 'calendarDays' | 'workingDays' | 'seconds' }; nonWorkingDays?: Template['nonWorkingDays'] } | undefined {
  const rule = templateStep(t, stepKey)?.due;
  if (!rule) return undefined;
  const step = stepState(state, stepKey)!;
  switch (rule.from) {
    case 'date':
      return { base: rule.date, kind: 'date' };
    case 'programmeStart':
      // Days count from the declared start date (a programme may be recorded after it began);
      // second-scale offsets (tests, demos) count from the moment the workflow started.
      return rule.offset.unit === 'seconds' ? { base: state.startedAt, kind: 'instant', offset: rule.offset } : { base: state.startDate, kind: 'date', offset: rule.offset };
    case 'phaseStart':
      return { base: phaseState(state, step.phaseKey)?.openedAt ?? state.startedAt, kind: 'instant', offset: rule.offset };
    case 'stepCompleted':
      return { base: stepState(state, rule.stepKey)?.completedAt ?? step.activatedAt ?? state.startedAt, kind: 'instant', offset: rule.offset };
    case 'param': {
      const date = state.dates[rule.param];
      if (!date) return undefined;
      return { base: date, kind: date.length === 10 ? 'date' : 'instant', offset: rule.offset };
    }
  }
}

/** Sets a step's due date; returns true when the step just became late (the caller records `step.overdue`). */
export function setDueDate(state: ProgrammeState, stepKey: string, dueAt: string, now: Date): boolean {
  const step = stepState(state, stepKey)!;
  const wasLate = step.late;
  step.dueAt = dueAt;
  step.dueSetAt = now.toISOString();
  step.late = Date.parse(dueAt) <= now.getTime() && step.status === 'active' && state.status === 'active';
  state.version += 1;
  return step.late && !wasLate;
}

// ---------------------------------------------------------------- checks shared by actions

function checkActive(state: ProgrammeState): Refusal | undefined {
  if (state.status !== 'active') {
    return refuse('programme_not_active', `The programme is ${state.status}; this action needs an active programme.`, { reason: 'programme_status', status: state.status });
  }
  return undefined;
}

function checkCoordinator(actor: Actor, what: string): Refusal | undefined {
  if (actor.role !== 'coordinator' && actor.role !== 'admin') return refuse('not_allowed', `Only a coordinator may ${what}.`, { reason: 'coordinator_only' });
  return undefined;
}

function findStepOrRefuse(state: ProgrammeState, key: string): StepState | Refusal {
  return stepState(state, key) ?? refuse('unknown_step', `This programme has no step "${key}".`);
}
function isRefusal(x: unknown): x is Refusal {
  return typeof x === 'object' && x !== null && 'code' in x && 'message' in x && !('key' in x);
}

// ---------------------------------------------------------------- complete a step

export interface CompleteStepInput {
  actor: Actor;
  stepKey: string;
  note?: string;
  deliverableIds?: string[];
  /** For an "eachPartner" step completed by a coordinator: which organisation's part. */
  organisationId?: string;
  /** Module-specific payload (tender providers, scores, award…). */
  data?: unknown;
}

export function checkCompleteStep(t: Template, state: ProgrammeState, input: CompleteStepInput, now: Date): Refusal | undefined {
  const inactive = checkActive(state);
  if (inactive) return inactive;
  const step = findStepOrRefuse(state, input.stepKey);
  if (isRefusal(step)) return step;
  if (step.status !== 'active') return refuse('step_not_active', `Step "${step.key}" is ${step.status}, not active.`, { reason: 'step_status', step: templateStep(t, step.key)!.name, status: step.status });
  const actor = input.actor;
  const isCoordinator = actor.role === 'coordinator' || actor.role === 'admin';
  const partOf = partOrganisation(step, input);
  if (!isCoordinator) {
    if (actor.role !== 'partner' || !isAssignedTo(step, actor.organisationId)) {
      return refuse('not_assignee', `Step "${step.key}" is not assigned to your organisation.`);
    }
  }
  if (step.assignee.kind === 'eachPartner') {
    // A coordinator completing without naming an organisation closes the step for everyone.
    if (partOf !== undefined) {
      if (!step.assignee.organisationIds.includes(partOf)) return refuse('not_assignee', `Organisation is not enrolled for step "${step.key}".`);
      if (step.parts[partOf]) return refuse('part_already_completed', `This organisation already completed step "${step.key}".`);
    }
  }
  const sdef = templateStep(t, step.key)!;
  for (const req of sdef.deliverables) {
    const mine = step.deliverables.filter((d) => d.kind === req.kind && d.status !== 'rejected' && (partOf === undefined || d.organisationId === partOf));
    if (mine.length < req.min) {
      return refuse('deliverable_missing', `Step "${step.key}" needs ${req.min} deliverable(s) of kind "${req.kind}" (${req.label.en}); ${mine.length} given.`, { reason: 'deliverable_count', deliverable: req.label, minimum: req.min, given: mine.length });
    }
    if (req.acceptance && mine.filter((d) => d.status === 'accepted').length < req.min) {
      return refuse('deliverable_not_accepted', `Deliverable "${req.kind}" of step "${step.key}" must be accepted by a coordinator first.`, { reason: 'deliverable_acceptance', deliverable: req.label });
    }
  }
  if (input.deliverableIds) {
    const unknown = input.deliverableIds.find((id) => !step.deliverables.some((d) => d.id === id));
    if (unknown) return refuse('unknown_deliverable', `Deliverable "${unknown}" does not belong to step "${step.key}".`);
  }
  if (sdef.indicator && (state.indicators[sdef.indicator.key] ?? 0) < sdef.indicator.atLeast) {
    const indicator = t.indicators.find((i) => i.key === sdef.indicator!.key);
    return refuse('indicator_below_target', `Step "${step.key}" needs indicator "${sdef.indicator.key}" at ${sdef.indicator.atLeast} or more (now ${state.indicators[sdef.indicator.key] ?? 0}).`, { reason: 'indicator_threshold', ...(indicator ? { indicator: indicator.name } : {}), minimum: sdef.indicator.atLeast, actual: state.indicators[sdef.indicator.key] ?? 0 });
  }
  const module = sdef.module && findModule(sdef.module.name);
  return module?.checkCompletion?.({ template: t, state, step, config: sdef.module!.config }, input, now);
}

function partOrganisation(step: StepState, input: CompleteStepInput): string | undefined {
  if (step.assignee.kind !== 'eachPartner') return undefined;
  return input.actor.role === 'partner' ? input.actor.organisationId : input.organisationId;
}

export function applyCompleteStep(t: Template, state: ProgrammeState, input: CompleteStepInput, now: Date): NotificationRequest[] {
  const step = stepState(state, input.stepKey)!;
  const at = now.toISOString();
  const onBehalfOf = input.actor.role === 'partner' ? undefined : assigneeLabel(step, input);
  const sdef = templateStep(t, step.key)!;
  const notifications: NotificationRequest[] = [];
  const partOf = partOrganisation(step, input);
  if (partOf) {
    step.parts[partOf] = { at, by: input.actor.userId, note: input.note };
    recordEvent(state, now, 'step.part_completed', input.actor, { stepKey: step.key, organisationId: partOf, note: input.note }, onBehalfOf);
    if (step.assignee.kind === 'eachPartner' && !step.assignee.organisationIds.every((o) => step.parts[o])) {
      state.version += 1;
      return notifications;
    }
  }
  if (sdef.module) {
    const module = findModule(sdef.module.name);
    notifications.push(...(module?.onCompleted?.({ template: t, state, step, config: sdef.module.config }, input, now) ?? []));
  }
  step.status = 'completed';
  step.completedAt = at;
  step.completedBy = input.actor.userId;
  step.onBehalfOf = onBehalfOf;
  step.note = input.note;
  step.late = false;
  if (input.data !== undefined) step.data = input.data;
  if (sdef.milestone) state.milestones.push({ key: step.key, at });
  recordEvent(state, now, 'step.completed', input.actor, { stepKey: step.key, note: input.note, deliverableIds: input.deliverableIds }, onBehalfOf);
  state.version += 1;
  return notifications;
}

function assigneeLabel(step: StepState, input: CompleteStepInput): string | undefined {
  if (step.assignee.kind === 'organisation') return step.assignee.organisationId;
  if (step.assignee.kind === 'eachPartner') return input.organisationId;
  return undefined;
}

// ---------------------------------------------------------------- deliverables

export interface AddDeliverableInput {
  actor: Actor;
  stepKey: string;
  deliverable: Omit<DeliverableState, 'addedBy' | 'addedAt' | 'status' | 'organisationId' | 'reviewNote'> & { organisationId?: string };
}

export function checkAddDeliverable(t: Template, state: ProgrammeState, input: AddDeliverableInput, now: Date): Refusal | undefined {
  const inactive = checkActive(state);
  if (inactive) return inactive;
  const step = findStepOrRefuse(state, input.stepKey);
  if (isRefusal(step)) return step;
  if (step.deliverables.some((d) => d.id === input.deliverable.id)) return undefined; // idempotent retry
  if (step.status !== 'active') return refuse('step_not_active', `Step "${step.key}" is ${step.status}; deliverables go to an active step.`);
  const isCoordinator = input.actor.role === 'coordinator' || input.actor.role === 'admin';
  if (!isCoordinator && (input.actor.role !== 'partner' || !isAssignedTo(step, input.actor.organisationId))) {
    return refuse('not_assignee', `Step "${step.key}" is not assigned to your organisation.`);
  }
  const sdef = templateStep(t, step.key)!;
  if (sdef.deliverables.length > 0 && !sdef.deliverables.some((d) => d.kind === input.deliverable.kind)) {
    return refuse('unknown_deliverable', `Step "${step.key}" expects deliverables of kind ${sdef.deliverables.map((d) => `"${d.kind}"`).join(', ')}, not "${input.deliverable.kind}".`);
  }
  const module = sdef.module && findModule(sdef.module.name);
  return module?.checkDeliverable?.({ template: t, state, step, config: sdef.module!.config }, input, now);
}

export function applyAddDeliverable(state: ProgrammeState, input: AddDeliverableInput, now: Date): DeliverableState {
  const step = stepState(state, input.stepKey)!;
  const existing = step.deliverables.find((d) => d.id === input.deliverable.id);
  if (existing) return existing;
  const organisationId = input.actor.role === 'partner' ? input.actor.organisationId : input.deliverable.organisationId ?? (step.assignee.kind === 'organisation' ? step.assignee.organisationId : undefined);
  const deliverable: DeliverableState = {
    ...input.deliverable,
    organisationId,
    addedBy: input.actor.userId,
    addedAt: now.toISOString(),
    status: 'submitted',
  };
  step.deliverables.push(deliverable);
  recordEvent(state, now, 'deliverable.added', input.actor, { stepKey: step.key, deliverableId: deliverable.id, kind: deliverable.kind, title: deliverable.title });
  state.version += 1;
  return deliverable;
}

export interface ReviewDeliverableInput {
  actor: Actor;
  stepKey: string;
  deliverableId: string;
  decision: 'accepted' | 'rejected';
  note?: string;
}

export function checkReviewDeliverable(state: ProgrammeState, input: ReviewDeliverableInput): Refusal | undefined {
  const inactive = checkActive(state) ?? checkCoordinator(input.actor, 'accept or reject a deliverable');
  if (inactive) return inactive;
  const step = findStepOrRefuse(state, input.stepKey);
  if (isRefusal(step)) return step;
  const d = step.deliverables.find((x) => x.id === input.deliverableId);
  if (!d) return refuse('unknown_deliverable', `Step "${step.key}" has no deliverable "${input.deliverableId}".`);
  if (d.status !== 'submitted') return refuse('deliverable_already_reviewed', `Deliverable "${d.title}" was already ${d.status}.`);
  return undefined;
}

export function applyReviewDeliverable(state: ProgrammeState, input: ReviewDeliverableInput, now: Date): NotificationRequest[] {
  const step = stepState(state, input.stepKey)!;
  const d = step.deliverables.find((x) => x.id === input.deliverableId)!;
  d.status = input.decision;
  d.reviewNote = input.note;
  recordEvent(state, now, `deliverable.${input.decision}`, input.actor, { stepKey: step.key, deliverableId: d.id, note: input.note });
  state.version += 1;
  return [{ kind: input.decision === 'accepted' ? 'deliverable_accepted' : 'deliverable_rejected', stepKey: step.key, to: { organisations: d.organisationId ? [d.organisationId] : [] }, data: { title: d.title, note: input.note } }];
}

// ---------------------------------------------------------------- gates, enrolment

export interface ApprovePhaseInput {
  actor: Actor;
  phaseKey: string;
}

export function checkApprovePhase(t: Template, state: ProgrammeState, input: ApprovePhaseInput): Refusal | undefined {
  const inactive = checkActive(state) ?? checkCoordinator(input.actor, 'approve a phase gate');
  if (inactive) return inactive;
  const phase = phaseState(state, input.phaseKey);
  if (!phase) return refuse('unknown_phase', `This programme has no phase "${input.phaseKey}".`);
  if (phase.status !== 'awaiting_gate') {
    const why = phase.approvedBy ? 'its gate was already approved' : phase.status === 'pending' ? 'the previous phase is not finished' : `it is ${phase.status}`;
    return refuse('gate_not_pending', `Phase "${phase.key}" cannot be approved: ${why}.`);
  }
  const def = templatePhase(t, phase.key)!;
  for (const req of def.gate?.requiresChildren ?? []) {
    const child = state.children.find((c) => c.childKey === req.child);
    const met = child && (req.milestone ? child.milestones.includes(req.milestone) : child.status === 'completed');
    if (!met) {
      const childDef = t.children.find((c) => c.key === req.child);
      return refuse('gate_children_pending', `Phase "${phase.key}" needs sub-programme "${req.child}" ${req.milestone ? `to reach "${req.milestone}"` : 'to be completed'} first.`, { reason: 'gate_child_pending', phase: def.name, ...(childDef ? { child: childDef.title } : {}) });
    }
  }
  if (def.capacity && phase.enrolled.length < def.capacity.min) {
    return refuse('gate_capacity_below_minimum', `Phase "${phase.key}" needs at least ${def.capacity.min} enrolled organisation(s); ${phase.enrolled.length} enrolled.`, { reason: 'gate_capacity_minimum', phase: def.name, minimum: def.capacity.min, enrolled: phase.enrolled.length });
  }
  return undefined;
}

export function applyApprovePhase(state: ProgrammeState, input: ApprovePhaseInput, now: Date): NotificationRequest[] {
  const phase = phaseState(state, input.phaseKey)!;
  openPhase(state, phase, now, input.actor);
  state.version += 1;
  return [{ kind: 'phase_opened', phaseKey: phase.key, to: { coordinator: true, organisations: phase.enrolled.map((e) => e.organisationId) } }];
}

export interface EnrolInput {
  actor: Actor;
  organisationId: string;
  phaseKey: string;
  slot?: string;
}

export function checkEnrol(t: Template, state: ProgrammeState, input: EnrolInput): Refusal | undefined {
  const inactive = checkActive(state) ?? checkCoordinator(input.actor, 'enrol an organisation');
  if (inactive) return inactive;
  const phase = phaseState(state, input.phaseKey);
  if (!phase) return refuse('unknown_phase', `This programme has no phase "${input.phaseKey}".`);
  if (phase.status === 'completed' || phase.status === 'cancelled') return refuse('phase_closed', `Phase "${phase.key}" is ${phase.status}.`, { reason: 'phase_status', phase: templatePhase(t, phase.key)!.name, status: phase.status });
  if (phase.enrolled.some((e) => e.organisationId === input.organisationId)) {
    return refuse('already_enrolled', `This organisation is already enrolled in phase "${phase.key}".`, { reason: 'already_enrolled_phase', phase: templatePhase(t, phase.key)!.name });
  }
  const def = templatePhase(t, phase.key)!;
  if (!def.capacity && !input.slot) return refuse('phase_full', `Phase "${phase.key}" takes no enrolments.`, { reason: 'phase_takes_no_enrolment', phase: def.name });
  if (def.capacity && !input.slot && phase.enrolled.filter((e) => !e.slot).length >= def.capacity.max) {
    return refuse('phase_full', `Phase "${phase.key}" is full: ${def.capacity.max} organisation(s) at most.`, { reason: 'phase_full_capacity', phase: def.name, maximum: def.capacity.max });
  }
  return undefined;
}

export function applyEnrol(t: Template, state: ProgrammeState, input: EnrolInput, now: Date): NotificationRequest[] {
  const phase = phaseState(state, input.phaseKey)!;
  phase.enrolled.push({ organisationId: input.organisationId, at: now.toISOString(), slot: input.slot });
  if (input.slot) state.slots[input.slot] = input.organisationId;
  recordEvent(state, now, 'organisation.enrolled', input.actor, { organisationId: input.organisationId, phaseKey: phase.key, slot: input.slot });
  // Open steps pick up the newcomer: an "eachPartner" step now waits for it too, a slot step gets its assignee.
  const notifications: NotificationRequest[] = [];
  for (const step of state.steps) {
    if (step.status !== 'active' && step.status !== 'pending') continue;
    const before = JSON.stringify(step.assignee);
    if (step.phaseKey === phase.key || step.assignee.kind === 'unassigned') step.assignee = resolveAssignee(t, state, step);
    if (step.status === 'active' && JSON.stringify(step.assignee) !== before && isAssignedTo(step, input.organisationId)) {
      notifications.push({ kind: 'assignment', stepKey: step.key, to: { organisations: [input.organisationId] } });
    }
  }
  state.version += 1;
  return notifications;
}

// ---------------------------------------------------------------- due dates, reassignment

export interface ChangeStepInput {
  actor: Actor;
  stepKey: string;
  /** New due instant (ISO); the API turns a YYYY-MM-DD into the end of that day in Paris. */
  dueAt?: string;
  assigneeOrganisationId?: string;
  reason?: string;
}

/**
 * `now` given (the Update's validator): a new due date must lie in the future. The handler's
 * re-check runs without it, so histories that accepted a past date still replay.
 */
export function checkChangeStep(state: ProgrammeState, input: ChangeStepInput, now?: Date): Refusal | undefined {
  const inactive = checkActive(state) ?? checkCoordinator(input.actor, 'change a due date or an assignee');
  if (inactive) return inactive;
  const step = findStepOrRefuse(state, input.stepKey);
  if (isRefusal(step)) return step;
  if (step.status === 'completed' || step.status === 'cancelled') return refuse('step_not_active', `Step "${step.key}" is ${step.status}.`);
  if (input.dueAt !== undefined && Number.isNaN(Date.parse(input.dueAt))) return refuse('invalid_due_date', 'The due date is not a valid date.');
  if (input.dueAt !== undefined && now && Date.parse(input.dueAt) <= now.getTime()) {
    return refuse('due_date_in_past', `The new due date (${input.dueAt}) is already past; give a date to come.`, { reason: 'due_date_past', dueAt: input.dueAt });
  }
  if (input.assigneeOrganisationId !== undefined && step.assignee.kind === 'eachPartner') {
    return refuse('not_allowed', `Step "${step.key}" is done by each enrolled organisation; enrol organisations instead of reassigning.`, { reason: 'each_partner_not_reassigned' });
  }
  return undefined;
}

export function applyChangeStep(state: ProgrammeState, input: ChangeStepInput, now: Date): NotificationRequest[] {
  const step = stepState(state, input.stepKey)!;
  const notifications: NotificationRequest[] = [];
  if (input.dueAt !== undefined) {
    const previous = step.dueAt;
    const late = setDueDate(state, step.key, new Date(input.dueAt).toISOString(), now);
    recordEvent(state, now, 'step.due_changed', input.actor, { stepKey: step.key, from: previous, to: step.dueAt, reason: input.reason });
    if (late) recordEvent(state, now, 'step.overdue', undefined, { stepKey: step.key });
  }
  if (input.assigneeOrganisationId !== undefined) {
    const previous = step.assignee;
    const slot = previous.kind === 'organisation' || previous.kind === 'unassigned' ? previous.slot : undefined;
    step.assignee = { kind: 'organisation', organisationId: input.assigneeOrganisationId, slot };
    if (slot) state.slots[slot] = input.assigneeOrganisationId;
    recordEvent(state, now, 'step.reassigned', input.actor, { stepKey: step.key, organisationId: input.assigneeOrganisationId, reason: input.reason });
    if (step.status === 'active') notifications.push({ kind: 'assignment', stepKey: step.key, to: { organisations: [input.assigneeOrganisationId] } });
  }
  state.version += 1;
  return notifications;
}

// ---------------------------------------------------------------- cancel, pause, indicators

export interface CancelInput {
  actor: Actor;
  reason: string;
}

export function checkCancel(state: ProgrammeState, input: CancelInput): Refusal | undefined {
  const denied = checkCoordinator(input.actor, 'cancel a programme');
  if (denied) return denied;
  if (state.status === 'completed' || state.status === 'cancelled') {
    return refuse('programme_not_active', `The programme is already ${state.status}.`);
  }
  return undefined;
}

export function applyCancel(state: ProgrammeState, input: CancelInput, now: Date): void {
  state.status = 'cancelled';
  state.cancelReason = input.reason;
  for (const p of state.phases) if (p.status !== 'completed') p.status = 'cancelled';
  for (const s of state.steps) if (s.status !== 'completed') {
    s.status = 'cancelled';
    s.late = false;
  }
  recordEvent(state, now, 'programme.cancelled', input.actor, { reason: input.reason });
  state.version += 1;
}

export function checkPause(state: ProgrammeState, actor: Actor, pause: boolean): Refusal | undefined {
  const denied = checkCoordinator(actor, pause ? 'pause a programme' : 'resume a programme');
  if (denied) return denied;
  if (pause && state.status === 'paused') return refuse('already_paused', 'The programme is already paused.');
  if (!pause && state.status !== 'paused') return refuse('not_paused', `The programme is ${state.status}, not paused.`);
  if (pause && state.status !== 'active') return refuse('programme_not_active', `The programme is ${state.status}.`);
  return undefined;
}

export interface PauseOptions {
  /** Track the pause and, on resume, move due dates (see below). Off for histories recorded before. */
  calendar?: boolean;
  /** On resume: keep the due dates as they are instead of moving them by the paused duration. */
  keepDueDates?: boolean;
}

/**
 * Pauses or resumes. With `calendar`, resuming moves every open step's due date by the time the
 * programme was paused (or keeps them, `keepDueDates`) and restarts its reminder series from now,
 * so reminders whose moment passed during the pause are not all sent at once. Returns the steps
 * whose due date moved (the workflow applies the non-working-day rule to them).
 */
export function applyPause(state: ProgrammeState, actor: Actor, pause: boolean, now: Date, options: PauseOptions = {}): string[] {
  const moved: string[] = [];
  state.status = pause ? 'paused' : 'active';
  if (!options.calendar) {
    recordEvent(state, now, pause ? 'programme.paused' : 'programme.resumed', actor);
    state.version += 1;
    return moved;
  }
  if (pause) {
    state.pausedAt = now.toISOString();
    recordEvent(state, now, 'programme.paused', actor);
  } else {
    const pausedForMs = state.pausedAt ? Math.max(0, now.getTime() - Date.parse(state.pausedAt)) : 0;
    const shiftMs = options.keepDueDates ? 0 : pausedForMs;
    state.pausedAt = undefined;
    for (const step of state.steps) {
      if (step.status !== 'active' || !step.dueAt) continue;
      if (shiftMs > 0) {
        step.dueAt = new Date(Date.parse(step.dueAt) + shiftMs).toISOString();
        moved.push(step.key);
      }
      step.dueSetAt = now.toISOString();
      step.late = Date.parse(step.dueAt) <= now.getTime();
    }
    recordEvent(state, now, 'programme.resumed', actor, { pausedForMs, dueDatesMovedByMs: shiftMs, keepDueDates: Boolean(options.keepDueDates) });
  }
  state.version += 1;
  return moved;
}

export interface RecordIndicatorInput {
  actor: Actor;
  key: string;
  /** Adds to the current value (e.g. +3 interviews); `value` replaces it. */
  increment?: number;
  value?: number;
}

export function checkRecordIndicator(t: Template, state: ProgrammeState, input: RecordIndicatorInput): Refusal | undefined {
  const inactive = checkActive(state);
  if (inactive) return inactive;
  if (input.actor.role === 'manager') return refuse('not_allowed', 'Managers read indicators; coordinators and partners record them.', { reason: 'managers_read_only' });
  if (!t.indicators.some((i) => i.key === input.key)) return refuse('unknown_indicator', `This programme has no indicator "${input.key}".`);
  return undefined;
}

export function applyRecordIndicator(state: ProgrammeState, input: RecordIndicatorInput, now: Date): number {
  const current = state.indicators[input.key] ?? 0;
  const next = input.value !== undefined ? input.value : current + (input.increment ?? 0);
  state.indicators[input.key] = next;
  recordEvent(state, now, 'indicator.recorded', input.actor, { key: input.key, from: current, to: next });
  state.version += 1;
  return next;
}
