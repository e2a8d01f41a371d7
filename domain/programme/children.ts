/**
 * Sub-programmes (sectors, tenders): opening one, and what a child's progress changes in its
 * parent (its status and milestones for gates; its winner fills the parent's slot).
 * Starting the child workflow itself is the workflow's (workflows/programme.ts).
 */
import type { Actor, ChildState, ProgrammeState } from '../programme-state';
import type { Template } from '../template-schema';
import { reassignOpenSteps } from './assignment';
import { checkCoordinator } from './guards';
import type { ChildProgress, OpenChildInput } from './inputs';
import { refuse, type Refusal } from './refusal';
import { recordEvent } from './state';

export function checkOpenChild(template: Template, state: ProgrammeState, input: OpenChildInput): Refusal | undefined {
  const denied = checkCoordinator(input.actor, 'open a sub-programme');
  if (denied) return denied;
  if (state.status !== 'active') return refuse('programme_not_active', `The programme is ${state.status}.`);
  const def = template.children.find((c) => c.key === input.childKey);
  if (!def) return refuse('unknown_child', `This programme has no sub-programme "${input.childKey}".`);
  if (!def.repeatable && state.children.some((c) => c.childKey === def.key)) return refuse('not_allowed', `Sub-programme "${def.key}" is already started.`, { reason: 'child_already_started', child: def.title });
  return undefined;
}

/** Records a child about to start (its id: parent.child, numbered when repeatable) and returns it. */
export function recordChildStart(template: Template, state: ProgrammeState, childKey: string, title: string, actor: Actor | undefined, now: Date): ChildState {
  const def = template.children.find((c) => c.key === childKey)!;
  const n = state.children.filter((c) => c.childKey === childKey).length + 1;
  const childId = `${state.programmeId}.${childKey}${def.repeatable ? `-${n}` : ''}`;
  const child: ChildState = { childKey, programmeId: childId, templateKey: def.templateKey, title, status: 'active', milestones: [] };
  state.children.push(child);
  recordEvent(state, now, 'child.started', actor, { childKey, programmeId: childId, title });
  return child;
}

/**
 * A child reported its progress; false when it is not one of this programme's children. With
 * `changesOnly` (runs since issue 21), also false when the report changes nothing (a child's first
 * report, a report of a step inside it): the parent is then neither versioned nor projected again.
 */
export function applyChildProgress(template: Template, state: ProgrammeState, progress: ChildProgress, now: Date, { changesOnly = false }: { changesOnly?: boolean } = {}): boolean {
  const child = state.children.find((c) => c.programmeId === progress.programmeId);
  if (!child) return false;
  const fills = template.children.find((c) => c.key === child.childKey)?.fillsSlot;
  const winner = progress.slots?.winner;
  const fillsSlot = fills && winner && state.slots[fills] !== winner ? fills : undefined;
  const changed = fillsSlot !== undefined || child.status !== progress.status || child.milestones.join('\n') !== progress.milestones.join('\n');
  child.status = progress.status;
  child.milestones = progress.milestones;
  if (fillsSlot && winner) {
    state.slots[fillsSlot] = winner;
    reassignOpenSteps(template, state);
    recordEvent(state, now, 'slot.filled', undefined, { slot: fillsSlot, organisationId: winner, from: child.programmeId });
  }
  return changesOnly ? changed : true;
}
