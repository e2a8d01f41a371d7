import type { ProgrammeState } from '../../domain/programme-state';
import { programmeStateQuery } from '../../workflows/programme';
import type { Harness } from './harness';

/** The workflow's own state (query) next to what the projection wrote in PostgreSQL. */
export async function compareReadModel(h: Harness, programmeId: string): Promise<{ query: ProgrammeState; stored: ProgrammeState; stepRows: { key: string; status: string; dueAt: string | null; organisationId: string | null }[] }> {
  const query = await h.client.workflow.getHandle(programmeId).query(programmeStateQuery);
  const row = await h.prisma.programme.findUniqueOrThrow({ where: { id: programmeId } });
  const steps = await h.prisma.step.findMany({ where: { programmeId }, orderBy: { key: 'asc' } });
  return {
    query,
    stored: row.state as unknown as ProgrammeState,
    stepRows: steps.map((s) => ({ key: s.key, status: s.status, dueAt: s.dueAt?.toISOString() ?? null, organisationId: s.organisationId })),
  };
}

/** Step rows as the projection should have written them from a state. */
export function expectedStepRows(state: ProgrammeState) {
  return state.steps
    .flatMap((s) =>
      s.assignee.kind === 'eachPartner' && s.assignee.organisationIds.length > 0
        ? s.assignee.organisationIds.map((org) => ({ key: `${s.key}@${org}`, status: s.parts[org] ? 'completed' : s.status, dueAt: s.dueAt ?? null, organisationId: org }))
        : [{ key: s.key, status: s.status, dueAt: s.dueAt ?? null, organisationId: s.assignee.kind === 'organisation' ? s.assignee.organisationId : null }],
    )
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Asserts the read model equals the workflow's query, apart from the not-yet-projected audit buffer. */
export async function expectReadModelInSync(h: Harness, programmeId: string): Promise<ProgrammeState> {
  const { query, stored, stepRows } = await compareReadModel(h, programmeId);
  const { pendingEvents: _q, ...q } = query;
  const { pendingEvents: _s, ...s } = stored as ProgrammeState & { pendingEvents?: unknown };
  expect(s).toEqual(q);
  expect(stepRows).toEqual(expectedStepRows(query));
  return query;
}

/** For changes driven by timers rather than by a write: the projection follows within moments. */
export async function waitForReadModelInSync(h: Harness, programmeId: string, timeoutMs = 10_000): Promise<ProgrammeState> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await expectReadModelInSync(h, programmeId);
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
