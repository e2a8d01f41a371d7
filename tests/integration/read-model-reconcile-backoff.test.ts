import { reconcileReadModel, type ReadModelReconcilerDeps, type ReconcileResult } from '../../infra/read-model-reconciler';
import { createLogger, startTemporalWorkerRole, type WorkerRole } from '../../infra/runtime';
import { programmeStateQuery } from '../../workflows/programme';
import { createOrganisation, createUser, publishTemplates, startHarness, workflowBundle, type Harness } from '../support/harness';
import { projectOn, startProgrammeInSync, writeAbandonedTaskProjection } from '../support/read-model';
import { reminderTestTemplate } from '../support/test-templates';

/**
 * Issue 22, the reconciler's own starvation (seen in CI): programmes whose workflow nobody answers
 * any more (their worker gone) failed their check, were put back unchecked and, their rows being the
 * oldest, were claimed first again in every round: `batch` of them starved every other row. Each
 * failed check now backs its row off (projection_check_after, doubling up to a cap) and never-failed
 * rows are claimed first.
 *
 * A database of its own (nothing else's rows) and no background reconciler in the worker: each round
 * here is one call, so "within two rounds" means exactly that.
 */
describe('read-model reconciler back-off for unreachable workflows (infra/read-model-reconciler.ts)', () => {
  const BATCH = 4;
  const QUERY_DEADLINE_MS = 1500;
  let h: Harness;
  let coordinatorId: string;
  let orgId: string;
  let templateInput: ReturnType<typeof reminderTestTemplate>;
  /** The worker of the programmes that become unreachable: stopped once they are projected. */
  let goneWorker: WorkerRole | undefined;
  const goneQueue = `gone-${Date.now()}`;
  const unreachable: string[] = [];

  // As infra/runtime.ts wires them, with a shorter deadline: a Query nobody polls for fails at it.
  const deps = (): ReadModelReconcilerDeps => ({
    prisma: h.prisma,
    describeHistoryLength: async (id) => (await h.client.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => h.client.workflow.getHandle(id).describe())).historyLength,
    queryState: (id) => h.client.connection.withDeadline(Date.now() + QUERY_DEADLINE_MS, () => h.client.workflow.getHandle(id).query(programmeStateQuery)),
    project: (input) => projectOn(h)(input),
  });

  async function backoffOf(ids: string[]): Promise<{ id: string; failures: number; waitsMs: number | null; checked: boolean }[]> {
    const rows = await h.prisma.$queryRaw<{ id: string; failures: number; waits_ms: number | null; checked: boolean }[]>`
      SELECT id, projection_check_failures AS failures,
             (extract(epoch FROM projection_check_after - now()) * 1000)::float8 AS waits_ms,
             projection_checked_task_at IS NOT DISTINCT FROM projected_task_at AS checked
      FROM programmes WHERE id = ANY(${ids}::text[]) ORDER BY id`;
    return rows.map((r) => ({ id: r.id, failures: r.failures, waitsMs: r.waits_ms, checked: r.checked }));
  }

  beforeAll(async () => {
    h = await startHarness({ notifier: false, ownDatabase: true });
    templateInput = reminderTestTemplate(`reconcile-backoff-${Date.now()}`, 3600);
    await publishTemplates(h.prisma, [templateInput]);
    orgId = await createOrganisation(h);
    coordinatorId = (await createUser(h, 'coordinator')).id;
    await createUser(h, 'partner', orgId);
    // `BATCH` programmes run by a worker that then goes away (as earlier test files' programmes in CI):
    // their rows are settled, unchecked and older than any other, and nobody answers their Queries.
    goneWorker = await startTemporalWorkerRole(h.config, h.endpoints, createLogger({ ...h.config, LOG_LEVEL: 'silent' }, 'test'), {
      taskQueue: goneQueue,
      workflowBundle: await workflowBundle(),
    });
    for (let i = 0; i < BATCH; i++) {
      unreachable.push((await startProgrammeInSync(h, { template: templateInput, coordinatorId, partnerOrganisationId: orgId, taskQueue: goneQueue, idPrefix: 'prg_gone_' })).programmeId);
    }
    await goneWorker.stop();
    goneWorker = undefined;
  }, 120_000);
  afterAll(async () => {
    await goneWorker?.stop();
    await h?.stop();
  });

  it('a batch of unreachable programmes does not starve a reachable row: it is repaired in the first or second round', async () => {
    // A row one version ahead of its workflow (an abandoned task's write), written after the others.
    const { programmeId, committed } = await startProgrammeInSync(h, { template: templateInput, coordinatorId, partnerOrganisationId: orgId });
    await writeAbandonedTaskProjection(h, programmeId, committed);

    const rounds: ReconcileResult[] = [];
    let row = await h.prisma.programme.findUniqueOrThrow({ where: { id: programmeId } });
    while (rounds.length < 2 && row.stateVersion !== committed.version) {
      rounds.push(await reconcileReadModel(deps(), { settleMs: 0, batch: BATCH, failureBackoffBaseMs: 60_000, failureBackoffCapMs: 600_000 }));
      row = await h.prisma.programme.findUniqueOrThrow({ where: { id: programmeId } });
    }
    expect(row.stateVersion).toBe(committed.version);
    // The unreachable rows (older) filled the first round and failed; the second took the reachable one.
    expect(rounds).toEqual([
      { checked: 0, repaired: 0, failed: BATCH },
      { checked: 1, repaired: 1, failed: 0 },
    ]);
    const step = await h.prisma.step.findFirstOrThrow({ where: { programmeId, key: committed.steps[0]!.key } });
    expect(step.status).toBe(committed.steps[0]!.status);

    // Each failed row waits the base (60 s) before it is claimed again; the repaired row has no back-off.
    for (const b of await backoffOf(unreachable)) {
      expect(b).toMatchObject({ failures: 1, checked: false });
      expect(b.waitsMs).toBeGreaterThan(50_000);
      expect(b.waitsMs).toBeLessThanOrEqual(60_000);
    }
    expect(await backoffOf([programmeId])).toEqual([{ id: programmeId, failures: 0, waitsMs: null, checked: true }]);
    // Nothing is due now: a third round claims none of them.
    expect(await reconcileReadModel(deps(), { settleMs: 0, batch: BATCH, failureBackoffBaseMs: 60_000 })).toEqual({ checked: 0, repaired: 0, failed: 0 });
  }, 120_000);

  it('a back-off doubles with each failure; a successful check or a new write sets it back; never-failed rows come first', async () => {
    const opts = { settleMs: 0, batch: BATCH, failureBackoffBaseMs: 60_000, failureBackoffCapMs: 100_000 };
    // The first test left every unreachable row at one failure; let their back-off run out.
    await h.prisma.$executeRaw`UPDATE programmes SET projection_check_after = now() WHERE id = ANY(${unreachable}::text[])`;
    // A never-failed row, unchecked and newer than all of them, is claimed before them (batch of 1).
    const fresh = await startProgrammeInSync(h, { template: templateInput, coordinatorId, partnerOrganisationId: orgId });
    expect(await reconcileReadModel(deps(), { ...opts, batch: 1 })).toEqual({ checked: 1, repaired: 0, failed: 0 });
    expect((await backoffOf([fresh.programmeId]))[0]!.checked).toBe(true);

    // Second failure: twice the base (120 s), capped at 100 s.
    expect(await reconcileReadModel(deps(), opts)).toEqual({ checked: 0, repaired: 0, failed: BATCH });
    for (const b of await backoffOf(unreachable)) {
      expect(b.failures).toBe(2);
      expect(b.waitsMs).toBeGreaterThan(90_000);
      expect(b.waitsMs).toBeLessThanOrEqual(100_000);
    }

    // A new write (a workflow task ran: its worker is back) sets the back-off back at once.
    const [written, answered, ...rest] = unreachable;
    const state = await projectedState(written!);
    await writeAbandonedTaskProjection(h, written!, state);
    expect(await backoffOf([written!])).toEqual([{ id: written, failures: 0, waitsMs: null, checked: false }]);

    // A successful check sets it back too: the worker of `answered` is back and its back-off ran out.
    const back = await startTemporalWorkerRole(h.config, h.endpoints, createLogger({ ...h.config, LOG_LEVEL: 'silent' }, 'test'), { taskQueue: goneQueue, workflowBundle: await workflowBundle() });
    try {
      await h.prisma.$executeRaw`UPDATE programmes SET projection_check_after = now() WHERE id = ${answered!}`;
      // `written` (never failed since its write) and `answered` (failed twice) are due; the others still wait.
      const round = await reconcileReadModel(deps(), opts);
      // (Another of them, written again by its returning worker meanwhile, may be checked in the same round.)
      expect(round.failed).toBe(0);
      expect(round.checked).toBeGreaterThanOrEqual(2);
      expect(round.repaired).toBeGreaterThanOrEqual(1);
      expect(await backoffOf([answered!, written!])).toEqual(
        [
          { id: answered, failures: 0, waitsMs: null, checked: true },
          { id: written, failures: 0, waitsMs: null, checked: true },
        ].sort((a, b) => (a.id! < b.id! ? -1 : 1)),
      );
      // The others still wait, unless their worker, back now, ran one of their workflow tasks (a timer that
      // fired while it was away): that new write sets the back-off back too, and leaves the row to check.
      for (const b of await backoffOf(rest)) {
        if (b.failures === 0) expect(b.checked).toBe(false);
        else expect(b.failures).toBe(2);
      }
    } finally {
      await back.stop();
    }
  }, 120_000);

  async function projectedState(programmeId: string) {
    const row = await h.prisma.programme.findUniqueOrThrow({ where: { id: programmeId } });
    return row.state as unknown as Parameters<typeof writeAbandonedTaskProjection>[2];
  }
});
