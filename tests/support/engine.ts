import { applyAction, type Action, type Applied, type Refusal } from '../../domain/programme';
import type { ProgrammeState } from '../../domain/programme-state';
import type { Template } from '../../domain/template-schema';

/** Applies a lifecycle action as the workflow does (today's rules: the working-day calendar on). */
export function perform<I, R>(action: Action<I, R>, template: Template, state: ProgrammeState, input: I, now: Date): Applied<R> {
  return applyAction(action, { template, state, now, calendar: true }, input);
}

/** The Update validator's verdict: the action's check, then its validator-only checks. */
export function checkWithValidator<I, R>(action: Action<I, R>, template: Template, state: ProgrammeState, input: I, now: Date): Refusal | undefined {
  const ctx = { template, state, now, calendar: true };
  return action.check(ctx, input) ?? action.validate?.(ctx, input);
}
