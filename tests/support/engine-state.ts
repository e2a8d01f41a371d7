import type { ProgrammeState } from '../../domain/programme-state';
import type { Template } from '../../domain/template-schema';
import * as engine from '../../domain/programme';

/** What the workflow's settle does, without Temporal: advance until nothing changes, due dates as plain offsets (10 minutes). */
export function settleWithoutTemporal(template: Template, state: ProgrammeState, now: Date): void {
  for (let round = 0; round < 50; round++) {
    const advanced = engine.advance(template, state, now);
    for (const stepKey of advanced.needDueDate) engine.setDueDate(state, stepKey, new Date(now.getTime() + 600_000).toISOString(), now);
    if (!advanced.changed) break;
  }
}

/** A programme started at `now` on `template` (slot `contractor` filled), settled. */
export function startedState(template: Template, now: Date): ProgrammeState {
  const state = engine.createInitialState({ programmeId: 'prg_1', title: 'Test', template, startDate: '2026-12-01', slots: { contractor: 'org_c' } }, now);
  settleWithoutTemporal(template, state, now);
  return state;
}
