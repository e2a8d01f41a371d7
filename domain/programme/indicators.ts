/** Indicators (interviews held, people trained…): recorded by coordinators and partners, read by managers. */
import type { ProgrammeState } from '../programme-state';
import { noNotifications, type Action } from './action';
import { checkActive } from './guards';
import type { RecordIndicatorInput } from './inputs';
import { refuse } from './refusal';
import { recordEvent } from './state';

export const recordIndicator: Action<RecordIndicatorInput, ProgrammeState> = {
  name: 'recordIndicator',
  check({ template: t, state }, input) {
    const inactive = checkActive(state);
    if (inactive) return inactive;
    if (input.actor.role === 'manager') return refuse('not_allowed', 'Managers read indicators; coordinators and partners record them.', { reason: 'managers_read_only' });
    if (!t.indicators.some((i) => i.key === input.key)) return refuse('unknown_indicator', `This programme has no indicator "${input.key}".`);
    return undefined;
  },
  apply({ state, now }, input) {
    const current = state.indicators[input.key] ?? 0;
    const next = input.value !== undefined ? input.value : current + (input.increment ?? 0);
    state.indicators[input.key] = next;
    recordEvent(state, now, 'indicator.recorded', input.actor, { key: input.key, from: current, to: next });
    return noNotifications(state);
  },
};
