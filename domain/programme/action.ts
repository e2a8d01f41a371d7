/**
 * The shape every lifecycle action has. `check` decides without touching the state: a Refusal,
 * or `undefined` when the action may go ahead. `apply` changes the state and says what it
 * produced (the Update's answer) and whom to tell. The workflow runs `check` in the Update's
 * validator (a refusal leaves no trace in history) and again in the handler, then `applyAction`
 * (which bumps the state's version), then settles.
 */
import type { ProgrammeState } from '../programme-state';
import type { Template } from '../template-schema';
import type { NotificationRequest } from './notifications';
import type { Refusal } from './refusal';
import { markChanged } from './state';

export interface ActionContext {
  template: Template;
  state: ProgrammeState;
  now: Date;
  /**
   * The working-day calendar rules of issue 16 (pause tracking, due dates moved on resume):
   * decided once per workflow run by `patched('working-day-calendar')`, off for runs recorded before.
   */
  calendar?: boolean;
}

export interface Applied<R> {
  result: R;
  notifications: NotificationRequest[];
}

export interface Action<I, R> {
  name: string;
  check(ctx: ActionContext, input: I): Refusal | undefined;
  /**
   * Checks run by the Update's validator only, never by the handler: validators do not run on
   * replay, so a check added here cannot break a recorded history.
   */
  validate?(ctx: ActionContext, input: I): Refusal | undefined;
  apply(ctx: ActionContext, input: I): Applied<R>;
}

/** Applies an action the caller has checked; the one place an action moves the state's version. */
export function applyAction<I, R>(action: Action<I, R>, ctx: ActionContext, input: I): Applied<R> {
  const applied = action.apply(ctx, input);
  markChanged(ctx.state);
  return applied;
}

export const noNotifications = <R>(result: R): Applied<R> => ({ result, notifications: [] });
