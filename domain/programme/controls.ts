/** A coordinator's controls over the whole programme: cancel, pause, resume. */
import { isPastDue } from '../lateness';
import type { Actor, ProgrammeState } from '../programme-state';
import { noNotifications, type Action } from './action';
import { checkCoordinator } from './guards';
import type { CancelInput, PauseInput, ResumeInput } from './inputs';
import { refuse, type Refusal } from './refusal';
import { recordEvent } from './state';

export const cancelProgramme: Action<CancelInput, ProgrammeState> = {
  name: 'cancelProgramme',
  check({ state }, input) {
    const denied = checkCoordinator(input.actor, 'cancel a programme');
    if (denied) return denied;
    if (state.status === 'completed' || state.status === 'cancelled') {
      return refuse('programme_not_active', `The programme is already ${state.status}.`);
    }
    return undefined;
  },
  apply({ state, now }, input) {
    state.status = 'cancelled';
    state.cancelReason = input.reason;
    for (const p of state.phases) if (p.status !== 'completed') p.status = 'cancelled';
    for (const s of state.steps) if (s.status !== 'completed') {
      s.status = 'cancelled';
      s.late = false;
    }
    recordEvent(state, now, 'programme.cancelled', input.actor, { reason: input.reason });
    return noNotifications(state);
  },
};

function checkPause(state: ProgrammeState, actor: Actor, pause: boolean): Refusal | undefined {
  const denied = checkCoordinator(actor, pause ? 'pause a programme' : 'resume a programme');
  if (denied) return denied;
  if (pause && state.status === 'paused') return refuse('already_paused', 'The programme is already paused.');
  if (!pause && state.status !== 'paused') return refuse('not_paused', `The programme is ${state.status}, not paused.`);
  if (pause && state.status !== 'active') return refuse('programme_not_active', `The programme is ${state.status}.`);
  return undefined;
}

/** Pauses: reminders stop and nothing falls late. With the calendar rules the pause is timed (see resume). */
export const pauseProgramme: Action<PauseInput, ProgrammeState> = {
  name: 'pauseProgramme',
  check: ({ state }, input) => checkPause(state, input.actor, true),
  apply({ state, now, calendar }, input) {
    state.status = 'paused';
    if (calendar) state.pausedAt = now.toISOString();
    recordEvent(state, now, 'programme.paused', input.actor);
    return noNotifications(state);
  },
};

/**
 * Resumes. With the calendar rules, every open step's due date moves by the time the programme
 * was paused (or stays, `keepDueDates`) and its reminder series restarts from now, so reminders
 * whose moment passed during the pause are not all sent at once. The result is the steps whose due
 * date moved (the workflow applies the non-working-day rule to them).
 */
export const resumeProgramme: Action<ResumeInput, string[]> = {
  name: 'resumeProgramme',
  check: ({ state }, input) => checkPause(state, input.actor, false),
  apply({ state, now, calendar }, input) {
    const moved: string[] = [];
    state.status = 'active';
    if (!calendar) {
      recordEvent(state, now, 'programme.resumed', input.actor);
      return noNotifications(moved);
    }
    const pausedForMs = state.pausedAt ? Math.max(0, now.getTime() - Date.parse(state.pausedAt)) : 0;
    const shiftMs = input.keepDueDates ? 0 : pausedForMs;
    state.pausedAt = undefined;
    for (const step of state.steps) {
      if (step.status !== 'active' || !step.dueAt) continue;
      if (shiftMs > 0) {
        step.dueAt = new Date(Date.parse(step.dueAt) + shiftMs).toISOString();
        moved.push(step.key);
      }
      step.dueSetAt = now.toISOString();
      step.late = isPastDue(step.dueAt, now);
    }
    recordEvent(state, now, 'programme.resumed', input.actor, { pausedForMs, dueDatesMovedByMs: shiftMs, keepDueDates: Boolean(input.keepDueDates) });
    return noNotifications(moved);
  },
};
