/** Indicators (interviews held, people trained, visits per site and month…): recorded by coordinators and partners, read by managers. */
import { isPeriodOf, periodOfInstant, totalOfCells, currentValueOf, type IndicatorEntry } from '../indicator-periods';
import type { ProgrammeState } from '../programme-state';
import { isCoordinatorRole } from '../roles';
import type { IndicatorDefinition, Template } from '../template-schema';
import { noNotifications, type Action } from './action';
import { checkActive } from './guards';
import type { RecordIndicatorInput } from './inputs';
import { refuse, type Refusal } from './refusal';
import { recordEvent } from './state';

export const recordIndicator: Action<RecordIndicatorInput, ProgrammeState> = {
  name: 'recordIndicator',
  check({ template: t, state, now }, input) {
    const inactive = checkActive(state);
    if (inactive) return inactive;
    if (input.actor.role === 'manager') return refuse('not_allowed', 'Managers read indicators; coordinators and partners record them.', { reason: 'managers_read_only' });
    const def = t.indicators.find((i) => i.key === input.key);
    if (!def) return refuse('unknown_indicator', `This programme has no indicator "${input.key}".`);
    if (def.period) return checkPeriodicEntry(t, state, def, input, now);
    if (input.period !== undefined || input.dimensions !== undefined) {
      return refuse('invalid_indicator_entry', `Indicator "${def.key}" is not entered per period.`, { reason: 'indicator_not_periodic', indicator: def.name });
    }
    return undefined;
  },
  apply({ template: t, state, now }, input) {
    const def = t.indicators.find((i) => i.key === input.key);
    if (def?.period && input.period !== undefined) {
      const entries = ((state.indicatorEntries ??= {})[input.key] ??= []);
      const dimensions = input.dimensions && Object.keys(input.dimensions).length ? { ...input.dimensions } : undefined;
      const previous = currentValueOf(entries, input.period, dimensions);
      const value = input.value !== undefined ? input.value : (previous ?? 0) + (input.increment ?? 0);
      const entry: IndicatorEntry = { period: input.period, ...(dimensions ? { dimensions } : {}), value, by: input.actor.userId, at: now.toISOString() };
      entries.push(entry);
      const from = state.indicators[input.key] ?? 0;
      state.indicators[input.key] = totalOfCells(entries);
      recordEvent(state, now, 'indicator.recorded', input.actor, {
        key: input.key, period: input.period, ...(dimensions ? { dimensions } : {}), value, ...(previous !== undefined ? { corrected: previous } : {}), from, to: state.indicators[input.key],
      });
      return noNotifications(state);
    }
    const current = state.indicators[input.key] ?? 0;
    const next = input.value !== undefined ? input.value : current + (input.increment ?? 0);
    state.indicators[input.key] = next;
    recordEvent(state, now, 'indicator.recorded', input.actor, { key: input.key, from: current, to: next });
    return noNotifications(state);
  },
};

/** A periodic indicator's entry: a begun period of its kind, one listed value per dimension, by its role or a coordinator. */
function checkPeriodicEntry(t: Template, state: ProgrammeState, def: IndicatorDefinition, input: RecordIndicatorInput, now: Date): Refusal | undefined {
  const kind = def.period!;
  if (input.period === undefined) return refuse('invalid_indicator_entry', `Indicator "${def.key}" is entered per ${kind}: give the period.`, { reason: 'indicator_period_required', indicator: def.name });
  if (!isPeriodOf(kind, input.period)) {
    return refuse('invalid_indicator_entry', `"${input.period}" is not a ${kind} (indicator "${def.key}").`, { reason: 'indicator_period_format', indicator: def.name });
  }
  // Periods of one kind written alike compare as text: `2026-03` < `2026-11`, `2026-Q1` < `2026-Q4`.
  if (input.period > periodOfInstant(kind, now)) return refuse('invalid_indicator_entry', `Period ${input.period} has not begun.`, { reason: 'indicator_period_future' });
  const dimensions = def.dimensions ?? [];
  const given = input.dimensions ?? {};
  const matches = Object.keys(given).length === dimensions.length && dimensions.every((d) => d.values.some((v) => v.key === given[d.key]));
  if (!matches) {
    return refuse('invalid_indicator_entry', `Indicator "${def.key}" needs one value for each of its dimensions (${dimensions.map((d) => d.key).join(', ') || 'none'}).`, { reason: 'indicator_dimensions_mismatch', indicator: def.name });
  }
  if (def.recordedBy && !isCoordinatorRole(input.actor.role) && state.slots[def.recordedBy] !== input.actor.organisationId) {
    return refuse('not_allowed', `Indicator "${def.key}" is entered by the organisation in role "${def.recordedBy}" or a coordinator.`, {
      reason: 'indicator_recorded_by_role', indicator: def.name, role: t.labels.roles[def.recordedBy] ?? { fr: def.recordedBy },
    });
  }
  return undefined;
}
