/**
 * Starting a programme in the past (issue 20): the actual dates of what already happened
 * (steps completed on date D by organisation O, phase gates approved, enrolments, indicator
 * values, tender awards) are taken as history. The lifecycle is replayed in date order from the
 * programme's declared start, with each fact at its true date, so that phases open and steps
 * complete on those dates; what is still open then gets its due date from the template rules and
 * is late or not from today, and reminders are planned only for it (the workflow resolves those
 * due dates through its usual activities).
 *
 * Pure and deterministic: it runs inside the workflow (apply) and in the API and the import
 * (check, on a copy). Every event it records carries `data.backfill = { enteredBy, enteredAt }`:
 * the journal shows it "saisi a posteriori", at the fact's real date, by whom it was entered.
 *
 * History facts obey the lifecycle's order (a step completes once its phase is open and its
 * dependencies are done, a gate is approved once the previous phase is finished, capacity holds);
 * they do not need the deliverables a live completion needs (those files are not part of the
 * history), and lifecycle modules see the fact's `data` (a tender's scores, its winner).
 */
import { computeDueDate, type PlannedReminder } from './deadlines';
import type { Actor, ProgrammeState, StepState } from './programme-state';
import type { Template } from './template-schema';
import {
  advance,
  applyAction,
  approvePhase,
  dueBase,
  enrolOrganisation,
  phaseState,
  recordEvent,
  recordIndicator,
  stepState,
  templatePhase,
  templateStep,
} from './programme';
import { resolveAssignee } from './programme/assignment';
import { nextOccurrenceDate, occurrencesOf, openOccurrence } from './programme/recurrence';
import { findModule } from './programme/modules';

export type HistoryFact =
  | { type: 'enrolment'; date: string; phaseKey: string; organisationId: string; slot?: string; childKey?: string }
  | { type: 'gate'; date: string; phaseKey: string; childKey?: string }
  /** `outcome`: on a step listing outcomes (issue 19), the one it recorded; it decides the branches that follow. */
  | { type: 'step'; date: string; stepKey: string; organisationId?: string; note?: string; data?: unknown; outcome?: string; childKey?: string }
  | { type: 'indicator'; date: string; key: string; value: number; childKey?: string; period?: string; dimensions?: Record<string, string> }
  /** A sub-programme (tender) awarded: every step up to its award done on that date, the winner chosen. */
  | { type: 'award'; date: string; childKey: string; winner: string; providers?: string[]; scores?: Record<string, Record<string, number>>; note?: string };

export interface History {
  facts: HistoryFact[];
}

export type HistoryProblemCode =
  | 'history_date_in_future'
  | 'history_date_before_start'
  | 'history_unknown_phase'
  | 'history_unknown_step'
  | 'history_unknown_indicator'
  | 'history_unknown_child'
  | 'history_unknown_organisation'
  | 'history_phase_not_open'
  | 'history_dependency_not_done'
  | 'history_step_already_done'
  | 'history_not_enrolled'
  | 'history_gate_not_pending'
  | 'history_no_gate'
  | 'history_gate_capacity'
  | 'history_phase_closed'
  | 'history_phase_full'
  | 'history_already_enrolled'
  | 'history_winner_missing'
  | 'history_step_data_invalid'
  | 'history_outcome_invalid'
  | 'history_after_activity'
  | 'history_child_not_started'
  | 'history_programme_not_active'
  | 'history_indicator_entry';

/** Why a periodic indicator's entry of the history does not fit (domain/programme/indicators.ts reasons), in French. */
const INDICATOR_ENTRY_REASONS: Record<string, string> = {
  indicator_period_required: 'il se saisit par période, indiquez la période',
  indicator_not_periodic: 'il ne se saisit pas par période',
  indicator_period_format: 'la période n’a pas sa périodicité',
  indicator_period_future: 'la période n’était pas encore commencée',
  indicator_dimensions_mismatch: 'précisez une valeur prévue pour chacune de ses dimensions',
};

const fr = (iso: string) => `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;

/** French sentences for each problem, from its parameters (dates in params are ISO; shown JJ/MM/AAAA). */
export const HISTORY_MESSAGES: Record<HistoryProblemCode, (p: Record<string, string>) => string> = {
  history_date_in_future: (p) => `Date ${fr(p.date!)} dans le futur : seul ce qui a déjà eu lieu se saisit a posteriori.`,
  history_date_before_start: (p) => `Date ${fr(p.date!)} antérieure au démarrage du programme (${fr(p.start!)}).`,
  history_unknown_phase: (p) => `Phase « ${p.phase} » absente du modèle ${p.template}.`,
  history_unknown_step: (p) => `Étape « ${p.step} » absente du modèle ${p.template}.`,
  history_unknown_indicator: (p) => `Indicateur « ${p.indicator} » absent du modèle ${p.template}.`,
  history_unknown_child: (p) => `Sous-programme « ${p.child} » absent du modèle ${p.template}.`,
  history_unknown_organisation: (p) => `Organisation « ${p.organisation} » inconnue.`,
  history_phase_not_open: (p) => `Étape « ${p.step} » réalisée le ${fr(p.date!)} alors que sa phase « ${p.phase} » n’était pas encore ouverte.`,
  history_dependency_not_done: (p) => `Étape « ${p.step} » réalisée le ${fr(p.date!)} avant l’étape « ${p.dependency} » dont elle dépend.`,
  history_step_already_done: (p) => `Étape « ${p.step} » déjà réalisée${p.organisation ? ` par ${p.organisation}` : ''} avant le ${fr(p.date!)}.`,
  history_not_enrolled: (p) => `${p.organisation} n’était pas inscrit en phase « ${p.phase} » le ${fr(p.date!)} : il ne peut pas avoir réalisé l’étape « ${p.step} ».`,
  history_gate_not_pending: (p) => `Phase « ${p.phase} » validée le ${fr(p.date!)} alors que la phase précédente n’était pas terminée (ou qu’elle était déjà ouverte).`,
  history_no_gate: (p) => `La phase « ${p.phase} » s’ouvre d’elle-même : elle n’a pas de validation à saisir.`,
  history_gate_capacity: (p) => `Phase « ${p.phase} » validée le ${fr(p.date!)} avec ${p.enrolled} organisme(s) inscrit(s) ; il en faut au moins ${p.min}.`,
  history_phase_closed: (p) => `Phase « ${p.phase} » déjà terminée le ${fr(p.date!)} : plus d’inscription possible.`,
  history_phase_full: (p) => `Phase « ${p.phase} » complète le ${fr(p.date!)} : ${p.max} organisme(s) au plus.`,
  history_already_enrolled: (p) => `${p.organisation} est déjà inscrit en phase « ${p.phase} ».`,
  history_winner_missing: (p) => `L’attribution « ${p.step} » a besoin du titulaire retenu.`,
  history_step_data_invalid: (p) => `Étape « ${p.step} » : les données saisies ne conviennent pas à cette étape (${p.reason}).`,
  history_outcome_invalid: (p) =>
    p.outcomes ? `Étape « ${p.step} » : précisez sa réponse, l’une de : ${p.outcomes}.` : `Étape « ${p.step} » : elle n’enregistre pas de réponse.`,
  history_child_not_started: (p) => `Le sous-programme « ${p.child} » ne démarre pas avec le programme : ouvrez-le avec son propre historique.`,
  history_after_activity: () => 'Ce programme a déjà une activité saisie : l’historique se saisit au démarrage, avant toute autre action.',
  history_programme_not_active: (p) => `Le programme est ${p.status} : il ne prend plus d’historique.`,
  history_indicator_entry: (p) => `Indicateur « ${p.indicator} » saisi le ${fr(p.date!)} : ${INDICATOR_ENTRY_REASONS[p.reason!] ?? 'saisie impossible'}.`,
};

export interface HistoryProblem {
  /** Index of the fact in `history.facts` (absent for a problem with the whole history). */
  index?: number;
  code: HistoryProblemCode;
  params: Record<string, string>;
  message: string;
}

export interface HistoryContext {
  /** Who enters the history (recorded on every event it makes). */
  actor: Actor;
  /** When it is entered. */
  enteredAt: Date;
  /** Today in Paris, YYYY-MM-DD: no fact may be dated after it. */
  today: string;
  /** Known organisation ids (the API's check); the workflow trusts what the API checked. */
  organisations?: ReadonlySet<string>;
  /** Names to write in messages (id → name). */
  organisationNames?: ReadonlyMap<string, string>;
  /**
   * Recurring series (issue 19) go on from the entry day: occurrences scheduled before it that the
   * history did not record are closed as not recorded, and the open one gets its due date. Decided by
   * the workflow's `history-occurrences-from-today` patch; off for runs recorded before it.
   */
  occurrencesFromToday?: boolean;
  /**
   * The run's closing hour of a dated deadline (DUE_TIME, 'HH:mm' Paris), known to runs that compute
   * their due dates themselves (issue 21). With it, an occurrence scheduled today whose deadline has
   * already passed when the history is entered is closed as not recorded too, instead of opening late
   * next to the following one.
   */
  dueTime?: string;
}

export interface HistoryResult {
  problems: HistoryProblem[];
  /** Steps open after the history whose due date must be resolved from the template rules (the workflow does it). */
  needDueDate: string[];
}

const TYPE_ORDER: Record<HistoryFact['type'], number> = { enrolment: 0, gate: 1, step: 2, indicator: 3, award: 4 };

/** The instant a fact dated `date` is recorded at: late morning in Paris, the same Paris day all year round. */
export function historyInstant(date: string): Date {
  return new Date(`${date}T10:00:00.000Z`);
}
/** The declared start, early in the Paris morning, before any fact of that day. */
export function historyStartInstant(startDate: string): Date {
  return new Date(`${startDate}T07:00:00.000Z`);
}

/** Today in Paris as YYYY-MM-DD. */
export function parisToday(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** Nothing but the automatic start happened: no completion, enrolment, gate, indicator or earlier history. */
export function isUntouched(state: ProgrammeState): boolean {
  return (
    !state.backfill &&
    state.steps.every((s) => s.status !== 'completed' && Object.keys(s.parts).length === 0 && s.deliverables.length === 0) &&
    state.phases.every((p) => p.enrolled.length === 0 && !p.approvedBy) &&
    Object.values(state.indicators).every((v) => v === 0) &&
    state.milestones.length === 0
  );
}

/** Problems, without changing `state` (the history is applied to a copy). */
export function checkHistory(t: Template, state: ProgrammeState, history: History, ctx: HistoryContext): HistoryProblem[] {
  const copy = JSON.parse(JSON.stringify(state)) as ProgrammeState;
  // A state read back from the read model has no audit buffer (the projection keeps events in their own table).
  copy.pendingEvents ??= [];
  return applyHistory(t, copy, history, ctx).problems;
}

/** The facts meant for a sub-programme: its own facts (`childKey`) and its award expanded into the steps up to it. */
export function childHistory(childTemplate: Template, history: History, childKey: string): History {
  const facts: HistoryFact[] = [];
  for (const fact of history.facts) {
    if (fact.childKey !== childKey) continue;
    if (fact.type !== 'award') {
      const { childKey: _omit, ...own } = fact;
      facts.push(own as HistoryFact);
      continue;
    }
    facts.push(...expandAward(childTemplate, fact));
  }
  return { facts };
}

/** An award: providers consulted (the winner at least) enrolled, every step up to the award done that day. */
function expandAward(t: Template, award: Extract<HistoryFact, { type: 'award' }>): HistoryFact[] {
  const steps = t.phases.flatMap((p) => p.steps.map((s) => ({ phase: p, step: s })));
  const awardAt = steps.findIndex(({ step }) => step.module?.name === 'tender-award');
  if (awardAt < 0) return [];
  const providers = [...new Set([...(award.providers ?? []), award.winner])];
  const consultation = steps.find(({ step }) => step.module?.name === 'tender-consultation');
  const providersPhase = String(consultation?.step.module?.config?.providersPhase ?? consultation?.phase.key ?? '');
  const facts: HistoryFact[] = providersPhase ? providers.map((organisationId) => ({ type: 'enrolment' as const, date: award.date, phaseKey: providersPhase, organisationId })) : [];
  for (const { step } of steps.slice(0, awardAt + 1)) {
    if (step.assignee.kind === 'eachPartner') {
      for (const organisationId of providers) facts.push({ type: 'step', date: award.date, stepKey: step.key, organisationId });
    } else if (step.module?.name === 'tender-assessment') {
      facts.push({ type: 'step', date: award.date, stepKey: step.key, data: { scores: award.scores ?? {} } });
    } else if (step.module?.name === 'tender-award') {
      facts.push({ type: 'step', date: award.date, stepKey: step.key, data: { winner: award.winner }, ...(award.note ? { note: award.note } : {}) });
    } else facts.push({ type: 'step', date: award.date, stepKey: step.key });
  }
  return facts;
}

/**
 * Replays the history onto an untouched programme: back to its initial state (its sub-programmes
 * and start parameters kept), opened at its declared start, then every fact at its date in date
 * order (enrolments, gates, steps, indicators on the same day). Problems leave `state` half-way:
 * callers check on a copy first (`checkHistory`).
 */
export function applyHistory(t: Template, state: ProgrammeState, history: History, ctx: HistoryContext): HistoryResult {
  const problems: HistoryProblem[] = [];
  const report = (index: number | undefined, code: HistoryProblemCode, params: Record<string, string> = {}) =>
    problems.push({ ...(index === undefined ? {} : { index }), code, params, message: HISTORY_MESSAGES[code](params) });
  if (state.status !== 'active') {
    report(undefined, 'history_programme_not_active', { status: state.status });
    return { problems, needDueDate: [] };
  }
  if (!isUntouched(state)) {
    report(undefined, 'history_after_activity');
    return { problems, needDueDate: [] };
  }
  const name = (id: string) => ctx.organisationNames?.get(id) ?? id;
  const templateName = t.name.fr;
  const stepName = (key: string) => templateStep(t, key)?.name.fr ?? key;

  // Facts each alone: dates, keys, organisations.
  const sane = history.facts.map((fact, index) => {
    const before = problems.length;
    if (fact.date > ctx.today) report(index, 'history_date_in_future', { date: fact.date });
    else if (fact.date < state.startDate) report(index, 'history_date_before_start', { date: fact.date, start: state.startDate });
    if (fact.childKey !== undefined && fact.type !== 'award') {
      if (!t.children.some((c) => c.key === fact.childKey)) report(index, 'history_unknown_child', { child: fact.childKey, template: templateName });
      return problems.length === before;
    }
    const orgs: string[] = [];
    switch (fact.type) {
      case 'enrolment':
        if (!templatePhase(t, fact.phaseKey)) report(index, 'history_unknown_phase', { phase: fact.phaseKey, template: templateName });
        orgs.push(fact.organisationId);
        break;
      case 'gate': {
        const def = templatePhase(t, fact.phaseKey);
        if (!def) report(index, 'history_unknown_phase', { phase: fact.phaseKey, template: templateName });
        else if (!def.gate) report(index, 'history_no_gate', { phase: def.name.fr });
        break;
      }
      case 'step': {
        const def = templateStep(t, fact.stepKey);
        if (!def) report(index, 'history_unknown_step', { step: fact.stepKey, template: templateName });
        else if (def.module?.name === 'tender-award' && typeof (fact.data as { winner?: unknown } | undefined)?.winner !== 'string') report(index, 'history_winner_missing', { step: def.name.fr });
        // A step listing outcomes records one of them (it decides the branches), any other records none.
        else if (def.outcomes?.length ? !fact.outcome || !def.outcomes.includes(fact.outcome) : fact.outcome !== undefined)
          report(index, 'history_outcome_invalid', { step: def.name.fr, outcomes: (def.outcomes ?? []).map((o) => t.labels.outcomes?.[o]?.fr ?? o).join(', ') });
        if (fact.organisationId) orgs.push(fact.organisationId);
        const winner = (fact.data as { winner?: unknown } | undefined)?.winner;
        if (typeof winner === 'string') orgs.push(winner);
        break;
      }
      case 'indicator':
        if (!t.indicators.some((i) => i.key === fact.key)) report(index, 'history_unknown_indicator', { indicator: fact.key, template: templateName });
        break;
      case 'award':
        if (!t.children.some((c) => c.key === fact.childKey)) report(index, 'history_unknown_child', { child: fact.childKey, template: templateName });
        orgs.push(fact.winner, ...(fact.providers ?? []));
        break;
    }
    if (ctx.organisations) for (const o of orgs) if (!ctx.organisations.has(o)) report(index, 'history_unknown_organisation', { organisation: o });
    return problems.length === before;
  });

  // Back to the initial lifecycle, opened at the declared start.
  const seqBefore = state.eventSeq;
  for (const phase of state.phases) {
    phase.status = 'pending';
    phase.openedAt = undefined;
    phase.completedAt = undefined;
  }
  for (const step of state.steps) resetStep(step);
  advance(t, state, historyStartInstant(state.startDate));

  const order = history.facts
    .map((fact, index) => ({ fact, index }))
    .filter(({ index }) => sane[index])
    .sort((a, b) => a.fact.date.localeCompare(b.fact.date) || TYPE_ORDER[a.fact.type] - TYPE_ORDER[b.fact.type] || a.index - b.index);
  const actor = ctx.actor;
  for (const { fact, index } of order) {
    if (fact.childKey !== undefined && fact.type !== 'award') continue; // the sub-programme takes it
    const at = historyInstant(fact.date);
    const params = { date: fact.date };
    switch (fact.type) {
      case 'enrolment': {
        const phase = phaseState(state, fact.phaseKey)!;
        const def = templatePhase(t, fact.phaseKey)!;
        const p = { ...params, phase: def.name.fr, organisation: name(fact.organisationId) };
        if (phase.status === 'completed') report(index, 'history_phase_closed', p);
        else if (phase.enrolled.some((e) => e.organisationId === fact.organisationId)) report(index, 'history_already_enrolled', p);
        else if (!fact.slot && (!def.capacity || phase.enrolled.filter((e) => !e.slot).length >= def.capacity.max)) report(index, 'history_phase_full', { ...p, max: String(def.capacity?.max ?? 0) });
        else applyAction(enrolOrganisation, { template: t, state, now: at }, { actor, organisationId: fact.organisationId, phaseKey: fact.phaseKey, slot: fact.slot });
        break;
      }
      case 'gate': {
        const phase = phaseState(state, fact.phaseKey)!;
        const def = templatePhase(t, fact.phaseKey)!;
        if (phase.status !== 'awaiting_gate') report(index, 'history_gate_not_pending', { ...params, phase: def.name.fr });
        else if (def.capacity && phase.enrolled.length < def.capacity.min) report(index, 'history_gate_capacity', { ...params, phase: def.name.fr, enrolled: String(phase.enrolled.length), min: String(def.capacity.min) });
        else applyAction(approvePhase, { template: t, state, now: at }, { actor, phaseKey: fact.phaseKey });
        break;
      }
      case 'step': {
        const refused = completeFromHistory(t, state, fact, at, actor);
        if (refused) report(index, refused.code, { ...params, step: stepName(fact.stepKey), ...refused.params, ...(fact.organisationId ? { organisation: name(fact.organisationId) } : {}) });
        break;
      }
      case 'indicator': {
        const def = t.indicators.find((i) => i.key === fact.key);
        if (def?.period || fact.period !== undefined || fact.dimensions !== undefined) {
          // A periodic indicator's entry (issue 19) is checked as the API checks it, at the fact's date.
          const input = { actor, key: fact.key, value: fact.value, ...(fact.period !== undefined ? { period: fact.period } : {}), ...(fact.dimensions ? { dimensions: fact.dimensions } : {}) };
          const refused = recordIndicator.check({ template: t, state, now: at }, input);
          if (refused) report(index, 'history_indicator_entry', { ...params, indicator: def?.name.fr ?? fact.key, reason: String(refused.params?.reason ?? refused.code) });
          else applyAction(recordIndicator, { template: t, state, now: at }, input);
          break;
        }
        applyAction(recordIndicator, { template: t, state, now: at }, { actor, key: fact.key, value: fact.value });
        break;
      }
      case 'award': {
        // The sub-programme records the award itself (childHistory); its winner fills the parent's slot from that day.
        const def = t.children.find((c) => c.key === fact.childKey)!;
        if (def.fillsSlot) {
          state.slots[def.fillsSlot] = fact.winner;
          for (const step of state.steps) if (step.status === 'pending' || step.status === 'active') step.assignee = resolveAssignee(t, state, step);
        }
        recordEvent(state, at, 'child.awarded', actor, { childKey: fact.childKey, organisationId: fact.winner, note: fact.note });
        break;
      }
    }
    advance(t, state, at);
  }

  // Marked "saisi a posteriori": who entered it and when, the event's own time being the fact's date.
  const backfill = { enteredBy: actor.userId, enteredAt: ctx.enteredAt.toISOString() };
  for (const event of state.pendingEvents) if (event.seq > seqBefore) event.data = { ...event.data, backfill };
  if (ctx.occurrencesFromToday) closeOccurrencesBeforeEntry(t, state, ctx);
  // What is still open gets its due date from today's point of view (resolved by the workflow).
  const needDueDate: string[] = [];
  for (const step of state.steps) {
    if (step.status !== 'active') continue;
    step.dueAt = undefined;
    step.dueSetAt = undefined;
    step.late = false;
    step.reminderPlan = undefined;
    if (templateStep(t, step.key)?.due || (ctx.occurrencesFromToday && step.occurrence)) needDueDate.push(step.key);
  }
  state.backfill = { ...backfill, facts: history.facts.length };
  recordEvent(state, ctx.enteredAt, 'programme.backfilled', actor, { facts: history.facts.length, problems: problems.length });
  state.version += 1;
  return { problems, needDueDate };
}

/**
 * A recurring series entered with its past: every open occurrence scheduled before the entry day
 * (today, Paris) is closed as not recorded (`skipped`: never late, never reminded; journal
 * `step.not_recorded`), and the series opens its next occurrence, until one falls on or after the
 * entry day or the schedule ends. Without this, the open occurrence had no due date and the series
 * stood still; with due dates alone, every occurrence since the start would open, all of them late.
 */
function closeOccurrencesBeforeEntry(t: Template, state: ProgrammeState, ctx: HistoryContext): void {
  // A dated occurrence is before the entry when its day is, and today's too once its deadline (the
  // step's own due date, DUE_TIME and the non-working-day rule) has passed, in runs that know DUE_TIME.
  const beforeEntry = (step: StepState, on: string): boolean => {
    if (on.length !== 10) return Date.parse(on) < ctx.enteredAt.getTime();
    if (on !== ctx.today || ctx.dueTime === undefined) return on < ctx.today;
    const due = computeDueDate({ ...dueBase(t, state, step.key)!, nonWorkingDays: t.nonWorkingDays ?? 'none' }, ctx.dueTime);
    return 'dueAt' in due && Date.parse(due.dueAt) <= ctx.enteredAt.getTime();
  };
  for (const phaseDef of t.phases) {
    for (const def of phaseDef.steps) {
      if (!def.repeat) continue;
      // Bounded: a weekly series over a century has about 5,200 occurrences.
      for (let guard = 0; guard < 6000; guard++) {
        const open = occurrencesOf(state, def.key).find((s) => s.status === 'active');
        if (!open?.occurrence || !beforeEntry(open, open.occurrence.on)) break;
        open.status = 'skipped';
        open.late = false;
        open.dueAt = undefined;
        recordEvent(state, ctx.enteredAt, 'step.not_recorded', ctx.actor, { stepKey: open.key, occurrence: open.occurrence.n, on: open.occurrence.on });
        const next = nextOccurrenceDate(def, state);
        if (!next) break;
        openOccurrence(t, state, def, phaseDef.key, next, ctx.enteredAt);
      }
    }
  }
}

function resetStep(step: StepState): void {
  step.status = 'pending';
  step.activatedAt = undefined;
  step.dueAt = undefined;
  step.dueSetAt = undefined;
  step.late = false;
  step.reminderPlan = undefined;
}

/** A step completed at `at` by the history; a refusal code when the lifecycle could not have allowed it then. */
function completeFromHistory(
  t: Template,
  state: ProgrammeState,
  fact: Extract<HistoryFact, { type: 'step' }>,
  at: Date,
  actor: Actor,
): { code: HistoryProblemCode; params: Record<string, string> } | undefined {
  const step = stepState(state, fact.stepKey)!;
  const def = templateStep(t, fact.stepKey)!;
  const phaseDef = templatePhase(t, step.phaseKey)!;
  if (step.status === 'completed') return { code: 'history_step_already_done', params: {} };
  if (step.status !== 'active') {
    const phase = phaseState(state, step.phaseKey)!;
    if (phase.status !== 'active') return { code: 'history_phase_not_open', params: { phase: phaseDef.name.fr } };
    const missing = def.dependsOn.find((d) => stepState(state, d)?.status !== 'completed');
    return { code: 'history_dependency_not_done', params: { dependency: templateStep(t, missing ?? '')?.name.fr ?? String(missing) } };
  }
  const iso = at.toISOString();
  const partOf = step.assignee.kind === 'eachPartner' ? fact.organisationId : undefined;
  if (partOf) {
    if (step.assignee.kind === 'eachPartner' && !step.assignee.organisationIds.includes(partOf)) return { code: 'history_not_enrolled', params: { phase: phaseDef.name.fr } };
    if (step.parts[partOf]) return { code: 'history_step_already_done', params: {} };
    step.parts[partOf] = { at: iso, by: actor.userId, note: fact.note };
    recordEvent(state, at, 'step.part_completed', actor, { stepKey: step.key, organisationId: partOf, note: fact.note }, partOf);
    if (step.assignee.kind === 'eachPartner' && !step.assignee.organisationIds.every((o) => step.parts[o])) {
      state.version += 1;
      return undefined;
    }
  }
  if (def.module) {
    // Notifications of the past are not sent: the module's state (consulted providers, ranking, winner) is what counts.
    // A module reading data the fact lacks (a tender assessment without its scores) refuses the fact.
    const module = findModule(def.module.name);
    const moduleState = JSON.stringify(state.moduleState);
    try {
      module?.onCompleted?.({ template: t, state, step, config: def.module.config }, { actor, stepKey: step.key, organisationId: fact.organisationId, note: fact.note, data: fact.data }, at);
    } catch (err) {
      state.moduleState = JSON.parse(moduleState) as ProgrammeState['moduleState'];
      return { code: 'history_step_data_invalid', params: { reason: err instanceof Error ? err.message : String(err) } };
    }
  }
  step.status = 'completed';
  step.completedAt = iso;
  step.completedBy = actor.userId;
  step.onBehalfOf = step.assignee.kind === 'organisation' ? step.assignee.organisationId : fact.organisationId;
  step.note = fact.note;
  step.late = false;
  if (fact.data !== undefined) step.data = fact.data;
  if (fact.outcome !== undefined) step.outcome = fact.outcome;
  if (def.milestone) state.milestones.push({ key: step.key, at: iso });
  recordEvent(state, at, 'step.completed', actor, { stepKey: step.key, note: fact.note, ...(fact.outcome !== undefined ? { outcome: fact.outcome } : {}) }, step.onBehalfOf);
  state.version += 1;
  return undefined;
}

/**
 * A step already late when its history is entered: its overdue reminders (and the escalation)
 * go out from that day on, as planned by the working-day planner for a deadline at the moment of
 * entry (`planned`), instead of the series of the real deadline, long past. The reminders keep
 * the real due date (the send-time check compares it) under keys of their own.
 */
export function overdueFromEntry(programmeId: string, step: StepState, planned: PlannedReminder[]): PlannedReminder[] {
  const dueAt = step.dueAt!;
  return planned
    .filter((r) => r.kind === 'overdue' || r.kind === 'escalation')
    .map((r) => {
      const kind = r.key.slice(`${programmeId}:${step.key}:`.length, r.key.length - r.dueAt.length - 1);
      return { ...r, key: `${programmeId}:${step.key}:history-${kind}:${dueAt}`, dueAt };
    });
}
