/**
 * A programme's state: how it starts, how it records an audit event and
 * how its version moves. Everything here is pure and deterministic (it runs in the workflow).
 */
import type { Actor, AuditEvent, ProgrammeState, StepAssignee } from '../programme-state';
import { resolveAssignee } from './assignment';
import type { ProgrammeStartInput } from './inputs';

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
    // A recurring step has no row of its own: its occurrences are added as they open (recurrence.ts).
    steps: t.phases.flatMap((p) =>
      p.steps.filter((s) => !s.repeat).map((s) => ({
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

/**
 * The one place the state's version moves: every change bumps it, and the projection ignores
 * anything older than what it holds. Actions never call it (applyAction does, once per action).
 */
export function markChanged(state: ProgrammeState): void {
  state.version += 1;
}

// ---------------------------------------------------------------- audit

export function recordEvent(state: ProgrammeState, now: Date, type: string, actor: Actor | undefined, data: Record<string, unknown> = {}, onBehalfOf?: string): AuditEvent {
  state.eventSeq += 1;
  const event: AuditEvent = { seq: state.eventSeq, type, at: now.toISOString(), actorId: actor?.userId, onBehalfOf, data };
  state.pendingEvents.push(event);
  return event;
}
