/**
 * The programme command service (issue 18): what every programme route needs before and after the
 * workflow — who may see the programme and act on it, the actor and the Temporal update id derived
 * from the caller and the Idempotency-Key, the gateway call, and the caller's view of the result —
 * in one place, so that a route is its schemas and one call.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { UpdateDefinition } from '@temporalio/client';
import type { Actor, ProgrammeAnswer, ProgrammeState } from '../domain/programme-state';
import type { Template } from '../domain/template-schema';
import { canSeeProgramme, type Viewer } from '../domain/visibility';
import type { SessionUser } from './auth';
import type { AppContext } from './context';
import { AppError } from './errors';
import { isOnTeam } from './programme-team';
import { buildProgrammeView, listIndicatorAuthors, viewerOf, type PersonName, type ProgrammeView } from './programme-views';

/** The actor a workflow records for a signed-in user. */
export function actorOf(user: SessionUser): Actor {
  return { userId: user.id, role: user.role, organisationId: user.organisationId ?? undefined };
}

/** A retried write with the same Idempotency-Key reuses the same Temporal update id: applied once, answered again. */
export function updateIdFor(user: SessionUser, key: string | undefined): string | undefined {
  return key ? createHash('sha256').update(`${user.id}:${key}`).digest('hex') : undefined;
}

/**
 * The id of what a write creates (`prg_…` a programme, `dlv_…` a deliverable): derived from the
 * caller and the Idempotency-Key when there is one, so a retry names the same thing; random otherwise.
 */
export function newIdFor(prefix: 'prg' | 'dlv', user: SessionUser, key: string | undefined): string {
  return key ? `${prefix}_${updateIdFor(user, key)!.slice(0, 24)}` : `${prefix}_${randomUUID()}`;
}

export interface LoadedProgramme {
  state: ProgrammeState;
  template: Template;
  viewer: Viewer;
}

export type ProgrammeCommands = ReturnType<typeof createProgrammeCommands>;

export function createProgrammeCommands(ctx: Pick<AppContext, 'prisma' | 'templates' | 'temporal'>) {
  /** The programme as the read model holds it, for a caller who may see it; 404 `not_found` otherwise (the same as an unknown id). */
  async function loadVisible(id: string, user: SessionUser): Promise<LoadedProgramme> {
    const row = await ctx.prisma.programme.findUnique({ where: { id } });
    const state = row?.state as unknown as ProgrammeState | undefined;
    if (!row || !state || !canSeeProgramme(state, user)) throw new AppError('not_found', 'No such programme.');
    const [template, onTeam] = await Promise.all([ctx.templates.loadTemplateVersion(row.templateKey, row.templateVersion), isOnTeam(ctx.prisma, id, user)]);
    return { state, template, viewer: viewerOf(user, onTeam) };
  }

  /** A write: coordinators act on the programmes of their team only (admins everywhere); 403 `not_programme_member` otherwise. */
  async function loadActionable(id: string, user: SessionUser): Promise<LoadedProgramme> {
    const loaded = await loadVisible(id, user);
    if (user.role === 'coordinator' && !loaded.viewer.onTeam) {
      throw new AppError('not_programme_member', "You are not on this programme's team; its coordinators or an admin can add you (PUT /api/v1/programmes/:id/team).");
    }
    return loaded;
  }

  /** The authors of a programme's indicator entries, for the view to name (one query, none when there are none). */
  async function namePeople(state: ProgrammeState): Promise<Map<string, PersonName>> {
    const ids = listIndicatorAuthors(state);
    if (!ids.length) return new Map();
    const users = await ctx.prisma.user.findMany({ where: { id: { in: ids } }, select: { id: true, name: true, organisationId: true } });
    return new Map(users.map((u) => [u.id, { name: u.name, organisationId: u.organisationId }]));
  }

  /** The programme as `viewer` may see it, from a state (an Update's answer or the read model's). */
  async function view(state: ProgrammeState, viewer: Viewer, template?: Template): Promise<ProgrammeView> {
    const t = template ?? (await ctx.templates.loadTemplateVersion(state.templateKey, state.templateVersion));
    return buildProgrammeView(t, state, viewer, await namePeople(state));
  }

  /**
   * Runs a lifecycle Update for `user` on a programme they may act on: the actor and the update id
   * (from the Idempotency-Key) are derived here; a refusal comes back as the workflow's AppError.
   * `input` is the Update's input without its actor; `before` checks what the route must check once
   * the caller may act (an organisation named exists…). Returns the Update's result and the caller's viewer.
   */
  async function act<R, I extends { actor: Actor }>(id: string, user: SessionUser, idempotencyKey: string | undefined, update: UpdateDefinition<R, [I]>, input: Omit<I, 'actor'>, before?: (loaded: LoadedProgramme) => Promise<void>): Promise<{ result: R; viewer: Viewer }> {
    const loaded = await loadActionable(id, user);
    await before?.(loaded);
    return { result: await send(id, user, idempotencyKey, update, input), viewer: loaded.viewer };
  }

  /** The gateway call alone, for a route that has loaded the programme with `loadActionable` and done its own work since (an upload). */
  function send<R, I extends { actor: Actor }>(id: string, user: SessionUser, idempotencyKey: string | undefined, update: UpdateDefinition<R, [I]>, input: Omit<I, 'actor'>): Promise<R> {
    return ctx.temporal.update(id, update, { actor: actorOf(user), ...input } as I, updateIdFor(user, idempotencyKey));
  }

  /**
   * The state a lifecycle Update answered for: the read model's row at the answered version or
   * later (the workflow answers once that version is projected, so one read finds it). A run on
   * older code answered the whole state (a rolling deploy, a retry answered from history): taken as is.
   * 503 `dependency_unavailable` if the row is still behind after ~2 s (a projection overwritten meanwhile).
   */
  async function loadAnswered(answer: ProgrammeAnswer): Promise<ProgrammeState> {
    if ('steps' in answer) return answer as ProgrammeState;
    for (let attempt = 0; attempt < 20; attempt++) {
      const row = await ctx.prisma.programme.findUnique({ where: { id: answer.programmeId }, select: { state: true, stateVersion: true } });
      if (row && row.stateVersion >= answer.version) return row.state as unknown as ProgrammeState;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new AppError('dependency_unavailable', 'The action is applied; its result is not readable yet. Reload in a moment.', undefined, 2);
  }

  /** `act` for the Updates that answer the programme: the state after the action and the caller's viewer. */
  async function actOnState<I extends { actor: Actor }>(id: string, user: SessionUser, idempotencyKey: string | undefined, update: UpdateDefinition<ProgrammeAnswer, [I]>, input: Omit<I, 'actor'>, before?: (loaded: LoadedProgramme) => Promise<void>): Promise<{ state: ProgrammeState; viewer: Viewer }> {
    const { result, viewer } = await act(id, user, idempotencyKey, update, input, before);
    return { state: await loadAnswered(result), viewer };
  }

  /** `actOnState`, answered with the caller's view of the programme. */
  async function actAndView<I extends { actor: Actor }>(id: string, user: SessionUser, idempotencyKey: string | undefined, update: UpdateDefinition<ProgrammeAnswer, [I]>, input: Omit<I, 'actor'>, before?: (loaded: LoadedProgramme) => Promise<void>): Promise<ProgrammeView> {
    const { state, viewer } = await actOnState(id, user, idempotencyKey, update, input, before);
    return view(state, viewer);
  }

  return { loadVisible, loadActionable, loadAnswered, namePeople, view, act, actOnState, actAndView, send };
}
