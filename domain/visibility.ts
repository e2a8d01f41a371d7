/**
 * Who may read what: the one visibility rule every read path applies (programme view and list,
 * audit events and their payloads, tasks, dashboard, notification lists, the live-update stream,
 * the calendar feed, deliverable files and review notes, counts).
 *
 * Two rules, kept apart:
 * - **Organisation isolation**: a partner sees a programme only when its organisation takes part
 *   in it (enrolled, in a slot, or assigned a step), and inside it only its own steps, its own
 *   deliverables and parts, and nothing that names, counts or quotes another organisation.
 * - **Tender confidentiality**: until the award, bids, bidders and scores belong to the
 *   programme's team (its coordinators, admins) alone; managers and other coordinators see the
 *   tender progress without them. After the award each bidder sees its own outcome only.
 *
 * Pure functions of the projected state and its template: no I/O, unit-tested on their own.
 */
import type { AuditEvent, DeliverableState, PhaseState, ProgrammeState, StepState } from './programme-state';
import { isAssignedTo } from './programme/assignment';
import type { Role } from './roles';
import type { Template } from './template-schema';

export type ViewerRole = Role;

export interface Viewer {
  userId: string;
  role: ViewerRole;
  organisationId: string | null;
  /**
   * On the programme's team: its coordinator, a coordinator added to it (or to its parent).
   * Admins always are; managers and partners never are.
   */
  onTeam: boolean;
}

/** Lifecycle modules whose data is sealed until the award (domain/programme/modules/tender.ts). */
export const CONFIDENTIAL_MODULES = {
  /** Steps whose deliverables are bids, one per bidder. */
  bids: ['tender-bids'],
  /** Steps whose completion carries scores or the ranking. */
  scores: ['tender-assessment', 'tender-award'],
  /** Steps whose phase (or `providersPhase`) holds the consulted providers. */
  providers: ['tender-consultation'],
} as const;

export interface ConfidentialScope {
  /** Bids, bidders and scores are still sealed (no award yet). */
  sealed: boolean;
  bidSteps: Set<string>;
  scoreSteps: Set<string>;
  providerPhases: Set<string>;
  /** Organisations consulted or bidding (their names must not reach other bidders or non-team staff). */
  providers: Set<string>;
}

interface TenderModuleState {
  consulted?: string[];
  ranking?: { organisationId: string; score: number }[];
  winner?: string;
}

function tenderOf(state: Pick<ProgrammeState, 'moduleState'>): TenderModuleState | undefined {
  const t = state.moduleState?.tender;
  return t && typeof t === 'object' ? (t as TenderModuleState) : undefined;
}

/** What a programme keeps sealed, read from its template's module references. */
export function confidentialScope(template: Template, state: Pick<ProgrammeState, 'phases' | 'steps' | 'moduleState'>): ConfidentialScope {
  const bidSteps = new Set<string>();
  const scoreSteps = new Set<string>();
  const providerPhases = new Set<string>();
  for (const phase of template.phases) {
    for (const step of phase.steps) {
      const name = step.module?.name;
      if (!name) continue;
      if ((CONFIDENTIAL_MODULES.bids as readonly string[]).includes(name)) bidSteps.add(step.key);
      if ((CONFIDENTIAL_MODULES.scores as readonly string[]).includes(name)) scoreSteps.add(step.key);
      if ((CONFIDENTIAL_MODULES.providers as readonly string[]).includes(name)) {
        const configured = step.module?.config?.providersPhase;
        providerPhases.add(typeof configured === 'string' ? configured : phase.key);
      }
    }
  }
  const providers = new Set<string>();
  for (const phase of state.phases) if (providerPhases.has(phase.key)) for (const e of phase.enrolled) if (!e.slot) providers.add(e.organisationId);
  for (const step of state.steps) {
    if (!bidSteps.has(step.key)) continue;
    if (step.assignee.kind === 'eachPartner') for (const o of step.assignee.organisationIds) providers.add(o);
    for (const d of step.deliverables) if (d.organisationId) providers.add(d.organisationId);
  }
  const tender = tenderOf(state);
  for (const o of tender?.consulted ?? []) providers.add(o);
  for (const r of tender?.ranking ?? []) providers.add(r.organisationId);
  const isTender = bidSteps.size > 0 || scoreSteps.size > 0 || providerPhases.size > 0;
  return { sealed: isTender && !tender?.winner, bidSteps, scoreSteps, providerPhases, providers };
}

/** Staff who may read sealed tender data: admins and the programme's team; anyone on staff once awarded. */
export function seesConfidential(viewer: Viewer, scope: ConfidentialScope): boolean {
  if (viewer.role === 'partner') return false;
  return viewer.role === 'admin' || viewer.onTeam || !scope.sealed;
}

// ------------------------------------------------------------------ organisations and programmes

/** Every organisation with a part in the programme: enrolled, in a slot, or assigned a step. */
export function programmeOrganisations(state: ProgrammeState): string[] {
  const organisations = new Set<string>();
  for (const phase of state.phases) for (const e of phase.enrolled) organisations.add(e.organisationId);
  for (const org of Object.values(state.slots)) organisations.add(org);
  for (const step of state.steps) {
    if (step.assignee.kind === 'organisation') organisations.add(step.assignee.organisationId);
    if (step.assignee.kind === 'eachPartner') for (const org of step.assignee.organisationIds) organisations.add(org);
  }
  return [...organisations].sort();
}

/** Partners: only programmes their organisation takes part in. Staff: every programme. */
export function canSeeProgramme(state: ProgrammeState, viewer: Pick<Viewer, 'role' | 'organisationId'>): boolean {
  if (viewer.role !== 'partner') return true;
  return viewer.organisationId !== null && programmeOrganisations(state).includes(viewer.organisationId);
}

/** The same rule on a published change (the live-update stream carries the organisations, not the state). */
export function canSeeChange(change: { organisations: string[] }, viewer: Pick<Viewer, 'role' | 'organisationId'>): boolean {
  if (viewer.role !== 'partner') return true;
  return viewer.organisationId !== null && change.organisations.includes(viewer.organisationId);
}

export function canSeeStep(step: StepState, viewer: Viewer): boolean {
  if (viewer.role !== 'partner') return true;
  return viewer.organisationId !== null && isAssignedTo(step, viewer.organisationId);
}

/** A deliverable (its title, file, review note): partners their own organisation's; sealed bids the team's. */
export function canSeeDeliverable(scope: ConfidentialScope, step: StepState, deliverable: DeliverableState, viewer: Viewer): boolean {
  if (viewer.role === 'partner') return canSeeStep(step, viewer) && deliverable.organisationId !== undefined && deliverable.organisationId === viewer.organisationId;
  return !scope.bidSteps.has(step.key) || seesConfidential(viewer, scope);
}

/** Who took part in a step ("each partner" parts): partners their own part; on a sealed bid step the team only. */
export function visibleParts<T>(scope: ConfidentialScope, step: StepState, parts: Record<string, T>, viewer: Viewer): Record<string, T> {
  if (viewer.role === 'partner') return Object.fromEntries(Object.entries(parts).filter(([org]) => org === viewer.organisationId));
  if (scope.bidSteps.has(step.key) && !seesConfidential(viewer, scope)) return {};
  return parts;
}

/** Organisations named by a step's assignee, as the viewer may know them. */
export function visibleAssignee(scope: ConfidentialScope, step: StepState, viewer: Viewer): StepState['assignee'] {
  const a = step.assignee;
  if (a.kind !== 'eachPartner') return a;
  if (viewer.role === 'partner') return { kind: 'eachPartner', organisationIds: viewer.organisationId && a.organisationIds.includes(viewer.organisationId) ? [viewer.organisationId] : [] };
  if (scope.bidSteps.has(step.key) && !seesConfidential(viewer, scope)) return { kind: 'eachPartner', organisationIds: [] };
  return a;
}

/** Who completed a step: on a shared step partners read their own part only, and a sealed bid step names no one. */
export function visibleCompletion(scope: ConfidentialScope, step: StepState, viewer: Viewer): { completedBy: string | null; onBehalfOf: string | null } {
  const shared = step.assignee.kind === 'eachPartner';
  if (shared && (viewer.role === 'partner' || (scope.bidSteps.has(step.key) && !seesConfidential(viewer, scope)))) return { completedBy: null, onBehalfOf: null };
  return { completedBy: step.completedBy ?? null, onBehalfOf: step.onBehalfOf ?? null };
}

/** The enrolments of a phase the viewer may see (the list and its count). */
export function visibleEnrolments(scope: ConfidentialScope, phase: PhaseState, viewer: Viewer): PhaseState['enrolled'] {
  if (viewer.role === 'partner') return phase.enrolled.filter((e) => e.organisationId === viewer.organisationId);
  if (scope.providerPhases.has(phase.key) && !seesConfidential(viewer, scope)) return phase.enrolled.filter((e) => e.slot);
  return phase.enrolled;
}

/** "n partner(s) out of max": partners never read how many others take part; sealed provider counts are the team's. */
export function canSeeCapacity(scope: ConfidentialScope, phase: PhaseState, viewer: Viewer): boolean {
  if (viewer.role === 'partner') return false;
  return !scope.providerPhases.has(phase.key) || seesConfidential(viewer, scope);
}

/**
 * Module state (tender ranking, consulted providers, winner). The team sees all of it; other staff
 * the winner once awarded; a bidder its own outcome only, once awarded.
 */
export function visibleModuleState(scope: ConfidentialScope, state: ProgrammeState, viewer: Viewer): Record<string, unknown> | undefined {
  const tender = tenderOf(state);
  const { tender: _sealed, ...others } = state.moduleState ?? {};
  if (viewer.role === 'partner') {
    if (!tender?.winner || !viewer.organisationId) return undefined;
    const bid = viewer.organisationId === tender.winner || (tender.ranking ?? []).some((r) => r.organisationId === viewer.organisationId);
    return bid ? { tender: { outcome: viewer.organisationId === tender.winner ? 'awarded' : 'not_awarded' } } : undefined;
  }
  if (seesConfidential(viewer, scope)) return state.moduleState;
  return tender ? { ...others, tender: {} } : others;
}

/** Steps of a partner's own: the lateness and next due date a partner's list shows are about these only. */
export function visibleSteps(state: ProgrammeState, viewer: Viewer): StepState[] {
  return state.steps.filter((s) => canSeeStep(s, viewer));
}

// ------------------------------------------------------------------ audit trail

export interface EventActor {
  role: ViewerRole;
  organisationId: string | null;
}

/**
 * An audit event as the viewer may read it: `undefined` when it must not be shown at all,
 * otherwise the event with its payload trimmed and, when the actor belongs to another
 * organisation, without the actor.
 */
export function visibleEvent(scope: ConfidentialScope, state: ProgrammeState, event: AuditEvent, viewer: Viewer, actor: EventActor | undefined): AuditEvent | undefined {
  const data = event.data ?? {};
  const stepKey = typeof data.stepKey === 'string' ? data.stepKey : undefined;
  const step = stepKey ? state.steps.find((s) => s.key === stepKey) : undefined;
  const deliverable = typeof data.deliverableId === 'string' ? step?.deliverables.find((d) => d.id === data.deliverableId) : undefined;
  const organisationId = typeof data.organisationId === 'string' ? data.organisationId : undefined;
  const confidential = seesConfidential(viewer, scope);

  if (viewer.role === 'partner') {
    const org = viewer.organisationId;
    if (!org) return undefined;
    // About one organisation: shown to that organisation only.
    if (organisationId !== undefined && organisationId !== org) return undefined;
    if (typeof data.deliverableId === 'string' && deliverable?.organisationId !== org) return undefined;
    if (stepKey !== undefined && (!step || !isAssignedTo(step, org))) return undefined;
    // Programme-level events (phases, indicators, children, enrolments of others) are the staff's.
    if (stepKey === undefined && organisationId === undefined) return undefined;
    const shared = step?.assignee.kind === 'eachPartner';
    const sameSide = !actor || actor.role !== 'partner' || actor.organisationId === org;
    // On a shared step the closing completion carries the last organisation's note and files.
    const trimmed = shared && event.type === 'step.completed' ? { stepKey } : data;
    return sameSide ? { ...event, data: trimmed } : { ...event, actorId: undefined, onBehalfOf: undefined, data: trimmed };
  }

  if (confidential) return event;
  // Staff outside a sealed tender's team: the tender's progress, none of its bids, bidders or scores.
  if (organisationId !== undefined && scope.providers.has(organisationId)) return undefined;
  if (typeof data.phaseKey === 'string' && scope.providerPhases.has(data.phaseKey) && event.type === 'organisation.enrolled') return undefined;
  if (stepKey !== undefined && scope.bidSteps.has(stepKey)) {
    if (event.type.startsWith('deliverable.') || event.type === 'step.part_completed') return undefined;
    return { ...event, onBehalfOf: undefined, data: { stepKey, ...(typeof data.from === 'string' ? { from: data.from } : {}), ...(typeof data.to === 'string' ? { to: data.to } : {}) } };
  }
  if (stepKey !== undefined && scope.scoreSteps.has(stepKey) && event.type === 'step.completed') return { ...event, onBehalfOf: undefined, data: { stepKey } };
  if (actor?.role === 'partner' && actor.organisationId && scope.providers.has(actor.organisationId)) return { ...event, actorId: undefined, onBehalfOf: undefined };
  return event;
}

/** A notification record: on a sealed tender, those sent to providers are the team's. */
export function canSeeNotification(scope: ConfidentialScope, viewer: Viewer, recipientOrganisationId: string | null): boolean {
  if (viewer.role === 'partner') return false;
  if (seesConfidential(viewer, scope)) return true;
  return !recipientOrganisationId || !scope.providers.has(recipientOrganisationId);
}

/** A per-organisation step row (dashboard alerts, calendar): the organisation may be named to this viewer. */
export function canNameStepOrganisation(scope: ConfidentialScope, stepKey: string, organisationId: string, viewer: Viewer): boolean {
  if (viewer.role === 'partner') return organisationId === viewer.organisationId;
  if (seesConfidential(viewer, scope)) return true;
  return !scope.providers.has(organisationId) && !scope.bidSteps.has(stepKey);
}
