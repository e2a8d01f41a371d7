/**
 * The programme lifecycle workflow: one generic interpreter for every template. It keeps
 * the programme's state for months, decides every human action through Updates (refusals
 * leave no trace in history), drives reminders with durable timers and projects each
 * change to PostgreSQL before an Update answers (read-your-writes).
 */
import {
  ActivityFailure,
  ApplicationFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { ProgrammeActivities } from '../activities';
import {
  addDeliverable,
  advance,
  applyAction,
  applyChildProgress,
  approvePhase,
  cancelProgramme,
  changeStep,
  checkOpenChild,
  completeStep,
  createInitialState,
  dueBase,
  enrolOrganisation,
  markChanged,
  markLateSteps,
  nextWakeAt,
  pauseProgramme,
  policyFor,
  takeDueReminders,
  recordChildStart,
  recordEvent,
  recordIndicator,
  resumeProgramme,
  reviewDeliverable,
  setDueDate,
  stepState,
  templateStep,
  type Action,
  type AddDeliverableInput,
  type ApprovePhaseInput,
  type CancelInput,
  type ChangeStepInput,
  type ChildProgress,
  type CompleteStepInput,
  type DueBase,
  type EnrolInput,
  type NotificationRequest,
  type OpenChildInput,
  type PauseInput,
  type ProgrammeStartInput,
  type RecordIndicatorInput,
  type Refusal,
  type ResumeInput,
  type ReviewDeliverableInput,
  type UpgradeInput,
  upgradeProgramme,
} from '../domain/programme';
import { checkHistory, childHistory, parisToday, type History } from '../domain/backfill';
import * as backfill from '../domain/backfill';
import { computeDueDate, planReminderMomentsFor, type DueCalendarSettings, type DueDateInput, type DueDateOutcome } from '../domain/deadlines';
import { nextDueAt } from '../domain/lateness';
import type { Actor, ChildState, DeliverableState, ProgrammeAnswer, ProgrammeState } from '../domain/programme-state';
import type { Template } from '../domain/template-schema';
import { checkCoordinator } from '../domain/programme/guards';
import { refuse } from '../domain/programme/refusal';
import { readProjectionPosition } from './projection-position';
import { registerReadModelSource } from './read-model-repair';
import { CoordinatorAttribute, NextDueAtAttribute, ProgrammeStatusAttribute, TemplateKeyAttribute } from './search-attributes';

export interface ProgrammeWorkflowInput extends ProgrammeStartInput {
  /** Set by continueAsNew: the state carried over from the previous run. */
  carried?: ProgrammeState;
  /** History length that triggers continueAsNew; tests lower it to exercise the hand-over. */
  continueAsNewAfterEvents?: number;
  /** What already happened, at its real dates (issue 20): taken as history at the start. Only new starts carry it. */
  history?: History;
  /**
   * Issue 21: the hours this run computes due dates and reminder moments with, inside the
   * workflow. Set by the API's gateway from the configuration and passed on to children; runs
   * without it (started before, or by tests that leave it out) ask the calendar activities.
   */
  dueCalendar?: DueCalendarSettings;
}

/** The past of an untouched programme, entered after its start (the import's confirmation). */
export interface RecordHistoryInput {
  actor: Actor;
  history: History;
}

/** openChild's input: a sub-programme begun in the past (issue 20) carries its own start date and history. */
export interface OpenChildUpdateInput extends OpenChildInput {
  startDate?: string;
  history?: History;
}

export const programmeStateQuery = defineQuery<ProgrammeState>('programmeState');
export const completeStepUpdate = defineUpdate<ProgrammeAnswer, [CompleteStepInput]>('completeStep');
export const addDeliverableUpdate = defineUpdate<DeliverableState, [AddDeliverableInput]>('addDeliverable');
export const reviewDeliverableUpdate = defineUpdate<ProgrammeAnswer, [ReviewDeliverableInput]>('reviewDeliverable');
export const approvePhaseUpdate = defineUpdate<ProgrammeAnswer, [ApprovePhaseInput]>('approvePhase');
export const enrolOrganisationUpdate = defineUpdate<ProgrammeAnswer, [EnrolInput]>('enrolOrganisation');
export const changeStepUpdate = defineUpdate<ProgrammeAnswer, [ChangeStepInput]>('changeStep');
export const cancelProgrammeUpdate = defineUpdate<ProgrammeAnswer, [CancelInput]>('cancelProgramme');
export const pauseProgrammeUpdate = defineUpdate<ProgrammeAnswer, [PauseInput]>('pauseProgramme');
/** `keepDueDates`: do not move the due dates by the paused duration (the default moves them). */
export const resumeProgrammeUpdate = defineUpdate<ProgrammeAnswer, [ResumeInput]>('resumeProgramme');
export const recordIndicatorUpdate = defineUpdate<ProgrammeAnswer, [RecordIndicatorInput]>('recordIndicator');
export const openChildUpdate = defineUpdate<ChildState, [OpenChildUpdateInput]>('openChild');
/** Sent with the start (update-with-start): answers once the first projection is committed. */
export const programmeStartedUpdate = defineUpdate<ProgrammeAnswer, []>('programmeStarted');
export const recordHistoryUpdate = defineUpdate<ProgrammeAnswer, [RecordHistoryInput]>('recordHistory');
/** Issue 19: moves the programme to a newer version of its template; the validator refuses an unsafe plan. */
export const upgradeProgrammeUpdate = defineUpdate<ProgrammeAnswer, [UpgradeInput]>('upgradeProgramme');
export const childProgressSignal = defineSignal<[ChildProgress]>('childProgress');

const activities = proxyActivities<ProgrammeActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', backoffCoefficient: 2 },
});
const local = proxyLocalActivities<ProgrammeActivities>({ startToCloseTimeout: '10 seconds' });
/**
 * The projection as a local activity: it runs inside the workflow task that needs it, so an
 * Update answers after one workflow task instead of two plus an activity task round-trip through
 * the server, and the state it carries is not copied into history (only the marker is). It is
 * idempotent; a failure falls back to the regular activity, which retries on the server.
 */
const boundedLocal = proxyLocalActivities<ProgrammeActivities>({
  // Bounded well inside one workflow task (10 s, heartbeat at 8 s): a local activity that outlives
  // its workflow task made the history unreplayable (PostgreSQL outage drill, TMPRL1100 on a
  // TimerStarted). Past this, the regular activity below takes over with the server's retries.
  startToCloseTimeout: '5 seconds',
  scheduleToCloseTimeout: '5 seconds',
  // (maximumAttempts is what bounds it: the SDK kept retrying past scheduleToCloseTimeout.)
  retry: { initialInterval: '500 milliseconds', maximumInterval: '2 seconds', backoffCoefficient: 2, maximumAttempts: 4 },
});

/**
 * Timer-fired reminders, queued before the projection in the same workflow task: bounded tighter
 * than the projection so that both together stay under the task's heartbeat (8 s) even when Redis
 * hangs (a BullMQ add waits for a connection) or PostgreSQL refuses.
 */
const reminderLocal = proxyLocalActivities<ProgrammeActivities>({
  startToCloseTimeout: '2 seconds',
  scheduleToCloseTimeout: '2 seconds',
  retry: { initialInterval: '500 milliseconds', maximumAttempts: 2 },
});

/** Histories stay well under Temporal's 51,200-event cap (warning at 10,240). */
const CONTINUE_AS_NEW_AFTER_EVENTS = 8_000;

/** Patches asked after the run's start in runs recorded before `patches-decided-at-start`. */
const LATER_PATCHES = ['projection-local-activity', 'reminders-queued-first', 'wait-for-child-first-report', 'start-children-together', 'backfill-at-start', 'history-occurrences-from-today'] as const;
/**
 * Patches that exist only in runs that decide their patches at the start: a run recorded before
 * one of them reads it as false and keeps its old path for good (it is never asked mid-run).
 * - `due-dates-in-workflow` (issue 21): due dates and reminder moments computed by the workflow
 *   itself with `input.dueCalendar`, instead of one local activity per newly dated step;
 * - `children-not-awaited-at-start` (issue 21): the start answers once the programme itself is
 *   projected; its children start, project and report right after, not before the answer;
 * - `child-reports-change-only` (issue 21): a child's report that changes nothing in the parent
 *   (every child's first one) no longer versions and projects the parent again.
 */
const START_ONLY_PATCHES = ['due-dates-in-workflow', 'children-not-awaited-at-start', 'child-reports-change-only'] as const;

/** What an Update handler returns for "answer the programme once settled" (`answerOf` in the workflow). */
const SETTLED_PROGRAMME = Symbol('settled programme');

function throwIfRefused(refusal: Refusal | undefined): void {
  // `details` carries the refusal's params (reason and values) to the API, which sends them to screens.
  if (refusal) throw ApplicationFailure.create({ type: refusal.code, message: refusal.message, nonRetryable: true, ...(refusal.params ? { details: [refusal.params] } : {}) });
}

/** An activity's non-retryable "this date cannot be resolved" (activities/calendar.ts): deterministic, never retried. */
function isInvalidDateFailure(err: unknown): err is ApplicationFailure | ActivityFailure {
  // A local activity's failure may arrive as the ApplicationFailure itself or wrapped in an ActivityFailure.
  const failure = err instanceof ActivityFailure ? err.cause : err;
  return failure instanceof ApplicationFailure && failure.type === 'invalid_due_date';
}

export async function programmeWorkflow(input: ProgrammeWorkflowInput): Promise<ProgrammeState> {
  // Replaced by a newer version when a coordinator upgrades the programme (upgradeProgrammeUpdate).
  let template: Template = input.template;
  const now = () => new Date();
  const state = input.carried ?? createInitialState(input, now());
  let wake = false;
  let lastReported = '';
  let projectedVersion = -1;
  const outbox: NotificationRequest[] = [];
  const reportedChildren = new Set<string>();
  /**
   * Working-day calendar and journal rules (issue 16): due dates follow the template's
   * non-working-day rule, day-based reminders are planned on working days, a date that cannot be
   * resolved is recorded instead of retried forever, pause/resume move due dates, a report to a
   * closed parent is dropped with an event. Decided once per run, first thing, so that runs
   * recorded before replay unchanged and keep the old rules until they continue-as-new.
   */
  // What the read-model repair projects when this run is rebuilt from history (workflows/read-model-repair.ts).
  registerReadModelSource(() => ({ template: { key: template.key, version: template.version }, state }));
  const calendar = patched('working-day-calendar');
  const planOptions = { calendar };
  /**
   * Every other patch decided here, before the first await, in runs started from now on. Asked
   * later, a patch could be asked in another workflow task on replay than when it was recorded
   * (a local activity's result delivered in the first task on replay, in a second one live), and
   * the run would fail to replay (TMPRL1100; history kept in
   * tests/fixtures/nondeterminism-patch-after-local-activity.json). Runs recorded before keep
   * asking each patch where they did.
   */
  const decided = patched('patches-decided-at-start') ? new Map([...LATER_PATCHES, ...START_ONLY_PATCHES].map((id) => [id, patched(id)])) : undefined;
  const isPatched = (id: (typeof LATER_PATCHES)[number]): boolean => decided?.get(id) ?? patched(id);
  const isDecidedAtStart = (id: (typeof START_ONLY_PATCHES)[number]): boolean => decided?.get(id) ?? false;
  const dueCalendar = calendar && isDecidedAtStart('due-dates-in-workflow') ? input.dueCalendar : undefined;
  const childrenNotAwaited = isDecidedAtStart('children-not-awaited-at-start');
  const childReportsChangeOnly = isDecidedAtStart('child-reports-change-only');

  // Settling (advance, due dates, notifications, projection) runs one at a time so that
  // concurrent Updates and timers never interleave half-way through an activity call.
  let queue: Promise<unknown> = Promise.resolve();
  const exclusive = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn);
    queue = run.catch(() => undefined);
    return run;
  };

  async function settle(): Promise<void> {
    for (let round = 0; round < 50; round++) {
      const advanced = advance(template, state, now());
      outbox.push(...advanced.notifications);
      for (const stepKey of advanced.needDueDate) {
        const base = dueBase(template, state, stepKey);
        if (base) await resolveAndSetDueDate(stepKey, base);
      }
      if (!advanced.changed) break;
    }
    if (calendar) {
      for (const stepKey of markLateSteps(state, Date.now(), true)) recordEvent(state, now(), 'step.overdue', undefined, { stepKey });
      await planWorkingDayReminders();
    } else markLateSteps(state, Date.now());
    await project();
    await reportToParent();
    startFlushingOutbox();
    wake = true;
  }

  async function resolveAndSetDueDate(stepKey: string, base: DueBase): Promise<void> {
    if (!calendar) {
      setDueDate(state, stepKey, await local.resolveDueDate(base), now());
      return;
    }
    const outcome = await resolveDueDate({ ...base, nonWorkingDays: template.nonWorkingDays ?? 'none' });
    if ('invalid' in outcome) {
      // Visible in the journal and told to the coordinator; the step stays open without a due date.
      recordEvent(state, now(), 'step.due_date_invalid', undefined, { stepKey, base: base.base, offset: base.offset, reason: outcome.invalid });
      outbox.push({ kind: 'due_date_invalid', stepKey, to: { coordinator: true } });
      markChanged(state);
      return;
    }
    if (setDueDate(state, stepKey, outcome.dueAt, now())) recordEvent(state, now(), 'step.overdue', undefined, { stepKey });
  }

  /** In the workflow when the run carries its hours (no activation, no history), else the worker's local activity. */
  async function resolveDueDate(input: DueDateInput): Promise<DueDateOutcome> {
    if (dueCalendar) return computeDueDate(input, dueCalendar.dueTime);
    try {
      return { dueAt: await local.resolveDueDate(input) };
    } catch (err) {
      if (!isInvalidDateFailure(err)) throw err;
      return { invalid: (err instanceof ActivityFailure ? err.cause?.message : undefined) ?? err.message };
    }
  }

  /** Reminder moments of several steps: in the workflow when the run carries its hours, else the worker's local activity. */
  async function planReminderMoments(inputs: Parameters<typeof planReminderMomentsFor>[0]): Promise<ReturnType<typeof planReminderMomentsFor>> {
    return dueCalendar ? planReminderMomentsFor(inputs, dueCalendar.reminderHour) : local.planReminderMoments(inputs);
  }

  /** Day-based reminder moments, planned on working days whenever a due date is new. */
  async function planWorkingDayReminders(): Promise<void> {
    const toPlan = state.steps.filter((s) => s.status === 'active' && s.dueAt && s.reminderPlan?.dueAt !== s.dueAt && policyFor(template, s.key).unit === 'days');
    if (!toPlan.length) return;
    const inputs = toPlan.map((s) => ({ programmeId: state.programmeId, stepKey: s.key, dueAt: s.dueAt!, policy: policyFor(template, s.key) }));
    const plans = await planReminderMoments(inputs);
    toPlan.forEach((step, i) => {
      step.reminderPlan = { dueAt: inputs[i]!.dueAt, reminders: plans[i] ?? [] };
    });
    markChanged(state);
  }

  async function project(): Promise<void> {
    const events = state.pendingEvents.slice();
    const version = state.version;
    const projection = { template: { key: template.key, version: template.version }, state, position: readProjectionPosition() };
    // Patched so that runs recorded with the projection as a regular activity still replay.
    if (isPatched('projection-local-activity')) {
      try {
        await boundedLocal.projectProgramme(projection);
      } catch (err) {
        // PostgreSQL away or slow: the regular activity retries on the server for as long as it takes.
        // (A failed local activity does not always arrive as an ActivityFailure: anything but a
        // cancellation falls back, or the failure would fail the whole programme.)
        if (isCancellation(err)) throw err;
        await activities.projectProgramme(projection);
      }
    } else await activities.projectProgramme(projection);
    projectedVersion = Math.max(projectedVersion, version);
    const projected = new Set(events.map((e) => e.seq));
    state.pendingEvents = state.pendingEvents.filter((e) => !projected.has(e.seq));
    upsertSearchAttributes([
      { key: TemplateKeyAttribute, value: template.key },
      { key: ProgrammeStatusAttribute, value: state.status },
      { key: CoordinatorAttribute, value: state.coordinatorId ?? 'none' },
      { key: NextDueAtAttribute, value: nextDueAt(state.steps) },
    ]);
  }

  // Notifications leave after the projection and outside the Update's answer: a slow or absent
  // Redis delays e-mails (the activity retries) but never a partner's action.
  let flushing: Promise<void> | undefined;
  function startFlushingOutbox(): void {
    if (flushing || outbox.length === 0) return;
    flushing = (async () => {
      while (outbox.length) {
        const seq = state.eventSeq;
        const batch = outbox.splice(0, outbox.length);
        await activities.enqueueNotifications({ programmeId: state.programmeId, coordinatorId: state.coordinatorId, title: state.title, seq, requests: batch });
      }
    })().finally(() => {
      flushing = undefined;
    });
  }
  const outboxDrained = () => flushing === undefined && outbox.length === 0;

  /**
   * A reminder is queued in the workflow task its timer fired in, before the projection: as a
   * regular activity it waited for that task's projection, then a round-trip through the server
   * (timer lag p99 12× a bare sleep at 1,000 programmes). Reminder notifications are keyed by
   * reminder and recipient, so the fallback to the outbox (PostgreSQL or Redis away) cannot
   * queue one twice. Patched so that runs recorded with reminders behind the projection replay.
   */
  async function queueReminders(reminders: NotificationRequest[]): Promise<void> {
    if (!isPatched('reminders-queued-first')) {
      outbox.push(...reminders);
      return;
    }
    try {
      await reminderLocal.enqueueNotifications({ programmeId: state.programmeId, coordinatorId: state.coordinatorId, title: state.title, seq: state.eventSeq, requests: reminders });
    } catch (err) {
      if (isCancellation(err)) throw err;
      outbox.push(...reminders);
    }
  }

  async function reportToParent(): Promise<void> {
    if (!state.parentId) return;
    const progress: ChildProgress = { programmeId: state.programmeId, status: state.status, milestones: state.milestones.map((m) => m.key), slots: state.slots };
    const fingerprint = JSON.stringify(progress);
    if (fingerprint === lastReported) return;
    lastReported = fingerprint;
    try {
      await getExternalWorkflowHandle(state.parentId).signal(childProgressSignal, progress);
    } catch (err) {
      // The parent has closed (completed or cancelled): the change is applied and projected, so the
      // report is dropped with an event rather than turned into an error after the fact.
      if (!calendar || isCancellation(err)) throw err;
      recordEvent(state, now(), 'parent.report_dropped', undefined, { parentId: state.parentId, status: progress.status, reason: err instanceof Error ? err.message : String(err) });
      markChanged(state);
      await project();
    }
  }

  /** `awaitReport` false: return once the child has started, without waiting for its first report (see `children-not-awaited-at-start`). */
  async function startChildProgramme(childKey: string, title: string, actor?: Actor, past?: { startDate?: string; history?: History }, awaitReport = true): Promise<ChildState> {
    // Recorded before the first await: children keep the template's order when started together.
    const child = recordChildStart(template, state, childKey, title, actor, now());
    const childId = child.programmeId;
    markChanged(state);
    const childTemplate = await local.loadTemplate(child.templateKey);
    // Issue 20: a sub-programme begun in the past gets its part of the history (only new starts have one).
    const history = past?.history ?? (input.history && !input.carried ? childHistory(childTemplate, input.history, childKey) : undefined);
    await startChild(programmeWorkflow, {
      workflowId: childId,
      args: [{ programmeId: childId, title, template: childTemplate, startDate: past?.startDate ?? state.startDate, coordinatorId: state.coordinatorId, parentId: state.programmeId, ...(history?.facts.length ? { history } : {}), ...(input.dueCalendar ? { dueCalendar: input.dueCalendar } : {}) }],
      // Children live on when the parent continues-as-new or closes: they are programmes in their own right.
      parentClosePolicy: ParentClosePolicy.ABANDON,
    });
    // Read-your-writes: answer once the child has projected itself (its first progress signal).
    // Patched so that histories recorded before this wait still replay.
    if (awaitReport && isPatched('wait-for-child-first-report')) await condition(() => reportedChildren.has(childId), '30 seconds');
    return child;
  }

  /** The programme's answer to a lifecycle Update, once settled and projected (see `ProgrammeAnswer`). */
  const answerOf = (): ProgrammeAnswer => ({ programmeId: state.programmeId, version: state.version });

  /**
   * Registers an Update whose validator refuses with the domain's reason and whose handler applies,
   * then settles. `run` returns the answer, or `SETTLED_PROGRAMME` for "the programme's answer after
   * settling" (its version includes what settling changed).
   */
  function handle<I, A>(def: UpdateDefinition<A, [I]>, check: (i: I) => Refusal | undefined, run: (i: I) => A | typeof SETTLED_PROGRAMME | Promise<A | typeof SETTLED_PROGRAMME>, validateOnly?: (i: I) => Refusal | undefined): void {
    setHandler(
      def,
      (i: I) =>
        exclusive(async () => {
          // State may have moved between validation and execution: check again.
          throwIfRefused(check(i));
          const result = await run(i);
          await settle();
          return result === SETTLED_PROGRAMME ? (answerOf() as A) : result;
        }),
      // Validators never run on replay, so checks added here cannot break a recorded history.
      { validator: (i: I) => throwIfRefused(check(i) ?? validateOnly?.(i)) },
    );
  }

  const context = () => ({ template, state, now: now(), calendar });
  /**
   * An Update run by a domain action: it answers the small `ProgrammeAnswer` once settled, or with
   * `answer: 'result'` the action's own result (a deliverable). `after` runs once the action
   * applied, before settling.
   */
  function handleAction<I, R, A = ProgrammeAnswer>(def: UpdateDefinition<A, [I]>, action: Action<I, R>, { after, answer = 'programme' }: { after?: (result: R) => Promise<void>; answer?: 'programme' | 'result' } = {}): void {
    handle(
      def,
      (i) => action.check(context(), i),
      async (i) => {
        const { result, notifications } = applyAction(action, context(), i);
        outbox.push(...notifications);
        await after?.(result);
        return answer === 'programme' ? SETTLED_PROGRAMME : (result as unknown as A);
      },
      action.validate && ((i) => action.validate!(context(), i)),
    );
  }

  setHandler(programmeStateQuery, () => state);
  // Buffered updates run as soon as their handler is set, before the first settle is queued: wait for it.
  let initialised = false;
  // With `children-not-awaited-at-start`, the start answers after the programme's own first projection.
  let firstProjected = false;
  setHandler(programmeStartedUpdate, async () => {
    await condition(() => initialised || firstProjected);
    return answerOf();
  });
  handleAction(completeStepUpdate, completeStep);
  handleAction(addDeliverableUpdate, addDeliverable, { answer: 'result' });
  handleAction(reviewDeliverableUpdate, reviewDeliverable);
  handleAction(approvePhaseUpdate, approvePhase);
  handleAction(enrolOrganisationUpdate, enrolOrganisation);
  handleAction(changeStepUpdate, changeStep);
  handleAction(cancelProgrammeUpdate, cancelProgramme);
  handleAction(pauseProgrammeUpdate, pauseProgramme);
  // A moved day-based due date obeys the template's non-working-day rule again.
  const redateMoved = async (moved: string[]): Promise<void> => {
    for (const stepKey of moved) {
      const unit = templateStep(template, stepKey)?.due;
      const step = stepState(state, stepKey)!;
      // An occurrence of a recurring step (issue 19) is dated like a day-based rule, unless its schedule counts seconds.
      const dayBased = step.occurrence ? step.occurrence.on.length === 10 : unit && !('offset' in unit && unit.offset?.unit === 'seconds');
      if (!dayBased || (template.nonWorkingDays ?? 'none') === 'none') continue;
      await resolveAndSetDueDate(stepKey, { base: step.dueAt!, kind: 'instant' });
    }
  };
  handleAction(resumeProgrammeUpdate, resumeProgramme, { after: redateMoved });
  handleAction(recordIndicatorUpdate, recordIndicator);
  handle(openChildUpdate, (i) => checkOpenChild(template, state, i), (i) => startChildProgramme(i.childKey, i.title, i.actor, { startDate: i.startDate, history: i.history }));
  handle(recordHistoryUpdate, (i) => checkRecordHistory(i), async (i): Promise<typeof SETTLED_PROGRAMME> => {
    await takeHistory(i.history, i.actor);
    return SETTLED_PROGRAMME;
  });
  // A new Update: histories recorded before it hold none, so it needs no patch.
  handle(upgradeProgrammeUpdate, (i) => upgradeProgramme.check(context(), i), async (i): Promise<typeof SETTLED_PROGRAMME> => {
    const { result } = applyAction(upgradeProgramme, context(), i);
    template = i.template;
    for (const stepKey of result.needDueDate) {
      const base = dueBase(template, state, stepKey);
      if (base) await resolveAndSetDueDate(stepKey, base);
    }
    return SETTLED_PROGRAMME;
  });

  /** Issue 20: the history's facts at their real dates; what is still open gets its due date from today. */
  function historyContext(actor: Actor) {
    return { actor, enteredAt: now(), today: parisToday(now()) };
  }
  function checkRecordHistory(i: RecordHistoryInput): Refusal | undefined {
    const denied = checkCoordinator(i.actor, "enter a programme's history");
    if (denied) return denied;
    const problems = checkHistory(template, state, i.history, historyContext(i.actor));
    return problems.length ? refuse('history_invalid', problems.map((p) => p.message).join(' ')) : undefined;
  }
  async function takeHistory(history: History, actor: Actor): Promise<void> {
    const result = backfill.applyHistory(template, state, history, { ...historyContext(actor), occurrencesFromToday: isPatched('history-occurrences-from-today'), ...(dueCalendar ? { dueTime: dueCalendar.dueTime } : {}) });
    for (const stepKey of result.needDueDate) {
      const base = dueBase(template, state, stepKey);
      if (base) await resolveAndSetDueDate(stepKey, base);
    }
    // Steps late already: their overdue reminders start from today, not from a deadline years ago.
    const late = state.steps.filter((s) => s.status === 'active' && s.late && s.dueAt && policyFor(template, s.key).unit === 'days' && policyFor(template, s.key).overdueEvery);
    if (!calendar || !late.length) return;
    const entered = now().toISOString();
    const plans = await planReminderMoments(late.map((s) => ({ programmeId: state.programmeId, stepKey: s.key, dueAt: entered, policy: { ...policyFor(template, s.key), beforeDue: [], onDue: false } })));
    late.forEach((step, i) => {
      step.reminderPlan = { dueAt: step.dueAt!, reminders: backfill.overdueFromEntry(state.programmeId, step, plans[i] ?? []) };
    });
    markChanged(state);
  }

  setHandler(childProgressSignal, (progress) => {
    reportedChildren.add(progress.programmeId);
    if (!applyChildProgress(template, state, progress, now(), { changesOnly: childReportsChangeOnly })) return;
    markChanged(state);
    wake = true;
  });

  if (!input.carried) {
    recordEvent(state, now(), 'programme.started', state.coordinatorId ? { userId: state.coordinatorId, role: 'coordinator' } : undefined, { templateKey: template.key, templateVersion: template.version });
    await exclusive(async () => {
      const startWithParent = template.children.filter((c) => c.start === 'withParent');
      // Started together (DEFI's three tenders took three round-trips one after another);
      // patched so that runs recorded with sequential starts still replay.
      // Issue 21: the children's starts go on while the programme takes its history and projects
      // itself (their rows follow within a workflow task or two; the start no longer waits for them).
      let children: Promise<unknown> | undefined;
      if (childrenNotAwaited) {
        children = Promise.all(startWithParent.map((child) => startChildProgramme(child.key, child.title.fr, undefined, undefined, false)));
        // Awaited below, after the projection; handled now so that a failed start is not an unhandled rejection meanwhile.
        children.catch(() => undefined);
      } else if (isPatched('start-children-together')) await Promise.all(startWithParent.map((child) => startChildProgramme(child.key, child.title.fr)));
      else for (const child of startWithParent) await startChildProgramme(child.key, child.title.fr);
      // Issue 20: a programme started in the past takes its history before its first projection.
      if (input.history && isPatched('backfill-at-start')) {
        const actor: Actor = { userId: state.coordinatorId ?? 'system', role: 'coordinator' };
        const problems = checkHistory(template, state, input.history, historyContext(actor));
        if (problems.length) recordEvent(state, now(), 'programme.history_refused', actor, { problems: problems.map(({ index, code, params }) => ({ index, code, params })) });
        else await takeHistory(input.history, actor);
      }
      await settle();
      firstProjected = childrenNotAwaited;
      await children;
    });
  } else {
    await exclusive(settle);
  }
  initialised = true;

  while (state.status === 'active' || state.status === 'paused') {
    const wakeAt = state.status === 'active' ? nextWakeAt(template, state, planOptions) : undefined;
    wake = false;
    if (wakeAt === undefined) await condition(() => wake);
    else await condition(() => wake, Math.max(wakeAt - Date.now(), 1));
    await exclusive(async () => {
      const reminders = takeDueReminders(template, state, Date.now(), planOptions);
      if (reminders.length) await queueReminders(reminders);
      const late = markLateSteps(state, Date.now(), calendar);
      for (const stepKey of late) recordEvent(state, now(), 'step.overdue', undefined, { stepKey });
      if (reminders.length || late.length || state.version !== projectedVersion) await settle();
    });
    const info = workflowInfo();
    if (info.continueAsNewSuggested || info.historyLength > (input.continueAsNewAfterEvents ?? CONTINUE_AS_NEW_AFTER_EVENTS)) {
      await condition(() => allHandlersFinished() && outboxDrained());
      // The template travels with the state: an upgraded programme continues on its new version.
      await continueAsNew<typeof programmeWorkflow>({ ...input, template, carried: state });
    }
  }
  startFlushingOutbox();
  await condition(() => allHandlersFinished() && outboxDrained());
  return state;
}
