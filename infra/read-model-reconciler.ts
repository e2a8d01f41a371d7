import type { Logger } from 'pino';
import type { ProjectProgrammeInput } from '../activities/projection';
import type { ProgrammeState } from '../domain/programme-state';
import type { PrismaClient } from './prisma';

/**
 * Reconciles the read model with the workflows after abandoned workflow tasks (issue 22).
 *
 * The projection runs as a local activity inside the workflow task: a task abandoned by its worker
 * (killed, too slow, the Temporal server away) may already have written a state that the workflow
 * never committed. When its retry projects again, the retry's write wins (activities/projection.ts
 * compares where in history each write was computed); when the retry has nothing to do, nothing
 * is projected and, before this, the row stayed one version ahead until the programme next
 * changed (the long topology drill: 78 and 83 of 200 programmes, docs/reliability.md).
 *
 * So every projection is tentative until checked here: once a row has been still for `settleMs`
 * (longer than a workflow task's timeout, so that its task has committed or been abandoned), its
 * state version is compared with the workflow's own (its Query answers from committed history).
 * Equal: the write is confirmed. Different: the workflow's state is written over it, at a
 * position that beats the abandoned write and loses to every later workflow task's.
 */
export interface ReadModelReconcilerDeps {
  prisma: PrismaClient;
  /** The history length the server holds for the programme's current run; undefined when the workflow no longer exists. */
  describeHistoryLength(programmeId: string): Promise<number | undefined>;
  /** The programme's state as its workflow has it (programmeStateQuery). */
  queryState(programmeId: string): Promise<ProgrammeState>;
  /** Writes a projection (the projectProgramme activity). */
  project(input: ProjectProgrammeInput): Promise<void>;
  logger?: Pick<Logger, 'warn' | 'info'>;
}

export interface ReconcileOptions {
  /** Rows written less than this long ago (ms) are left for later: their workflow task may still commit. */
  settleMs: number;
  /** Rows checked per call. */
  batch: number;
  /** Milliseconds a row waits after its first failed check (its workflow unreachable); doubled for each further consecutive failure. Default 30 000 (30 s). */
  failureBackoffBaseMs?: number;
  /** Milliseconds a row waits at most between failed checks. Default 3 600 000 (1 h). */
  failureBackoffCapMs?: number;
}

export const DEFAULT_FAILURE_BACKOFF_BASE_MS = 30_000;
export const DEFAULT_FAILURE_BACKOFF_CAP_MS = 3_600_000;

/**
 * How long (ms) a row is left alone after a failed check, given how many checks of it had failed in
 * a row before this one: base × 2^previousFailures, at most cap (30 s, 1 min, 2 min … 1 h by default).
 */
export function checkBackoffMs(previousFailures: number, baseMs = DEFAULT_FAILURE_BACKOFF_BASE_MS, capMs = DEFAULT_FAILURE_BACKOFF_CAP_MS): number {
  // 2 ** n is Infinity past n = 1023, and min() then gives the cap.
  return Math.max(0, Math.min(baseMs * 2 ** Math.max(0, previousFailures), capMs));
}

export interface ReconcileResult {
  /** Rows whose projection was compared with their workflow. */
  checked: number;
  /** Rows the workflow's state was written over (they were ahead of, or behind, the workflow). */
  repaired: number;
  /** Rows left unchecked because their workflow could not be reached (checked again later). */
  failed: number;
}

interface ClaimedRow {
  id: string;
  state_version: number;
  projected_run_started_at: Date;
  projected_task_at: Date;
  projection_check_failures: number;
}

/**
 * One round: claims up to `batch` settled, unchecked rows (several workers may run rounds
 * concurrently: a row is claimed by one of them), checks and repairs them.
 * A row counts as unchecked while the position of its last write differs from the one checked,
 * so any later write (a zombie's included) is checked again. Rows without a position (written by
 * workflow code older than issue 22) are not checked.
 *
 * Back-off: a row whose workflow cannot be reached (no worker polls its task queue, the Query times
 * out) would otherwise come first in every round (its updated_at is old) and a batch of them would
 * starve every other row. So a failed check counts in projection_check_failures and leaves the row
 * alone until projection_check_after (`checkBackoffMs`); rows never failed are claimed before retried
 * ones, and among equals the oldest write first. A successful check sets both back; so does any new
 * write of the row (activities/projection.ts: a workflow task ran, so its worker answers).
 */
export async function reconcileReadModel(deps: ReadModelReconcilerDeps, options: ReconcileOptions): Promise<ReconcileResult> {
  const { settleMs, batch } = options;
  const baseMs = options.failureBackoffBaseMs ?? DEFAULT_FAILURE_BACKOFF_BASE_MS;
  const capMs = options.failureBackoffCapMs ?? DEFAULT_FAILURE_BACKOFF_CAP_MS;
  const rows = await deps.prisma.$queryRaw<ClaimedRow[]>`
    UPDATE programmes p SET projection_checked_task_at = p.projected_task_at
    FROM (
      SELECT id FROM programmes
      WHERE projected_task_at IS NOT NULL
        AND projection_checked_task_at IS DISTINCT FROM projected_task_at
        AND updated_at < now() - make_interval(secs => ${settleMs / 1000}::float8)
        AND (projection_check_after IS NULL OR projection_check_after <= now())
      ORDER BY projection_check_failures, updated_at
      LIMIT ${batch}::int
      FOR UPDATE SKIP LOCKED
    ) due
    WHERE p.id = due.id
    RETURNING p.id, p.state_version, p.projected_run_started_at, p.projected_task_at, p.projection_check_failures`;
  const result: ReconcileResult = { checked: 0, repaired: 0, failed: 0 };
  // Rows that had failed before and were checked now: their back-off is set back after the round.
  const recovered: ClaimedRow[] = [];
  for (const row of rows) {
    try {
      // Describe before the Query: a workflow task started after the description sees a longer
      // history than it, so its projection always beats the repair written below.
      const historyLength = await deps.describeHistoryLength(row.id);
      if (historyLength === undefined) {
        result.checked += 1;
        if (row.projection_check_failures > 0) recovered.push(row);
        continue;
      }
      const state = await deps.queryState(row.id);
      result.checked += 1;
      if (row.projection_check_failures > 0) recovered.push(row);
      if (state.version === row.state_version) continue;
      // The abandoned write came from a shorter history (its retry added events), so the committed
      // length wins over it; the abandoned task's own time as tie-break loses to any task in flight
      // at the description (same length, a later start).
      await deps.project({
        template: { key: state.templateKey, version: state.templateVersion },
        state,
        position: { runStartedAt: row.projected_run_started_at.toISOString(), historyLength, taskAt: row.projected_task_at.toISOString() },
      });
      result.repaired += 1;
      deps.logger?.warn({ programmeId: row.id, readModelVersion: row.state_version, workflowVersion: state.version }, 'read model differed from its workflow: rewritten from the workflow');
    } catch (err) {
      // Checked again once its back-off has passed. Only if the row still holds the write that
      // failed: a write since then (its worker ran) has set the back-off back and left the row
      // unchecked already, and another reconciler may have claimed that write.
      result.failed += 1;
      const backoffMs = checkBackoffMs(row.projection_check_failures, baseMs, capMs);
      await deps.prisma.$executeRaw`
        UPDATE programmes SET projection_checked_task_at = NULL,
          projection_check_failures = projection_check_failures + 1,
          projection_check_after = now() + make_interval(secs => ${backoffMs / 1000}::float8)
        WHERE id = ${row.id} AND projection_checked_task_at = ${row.projected_task_at} AND projected_task_at = ${row.projected_task_at}`;
      deps.logger?.warn({ programmeId: row.id, failures: row.projection_check_failures + 1, retryInMs: backoffMs, err: err instanceof Error ? err.message : String(err) }, 'read model check failed; retried later');
    }
  }
  if (recovered.length > 0) {
    // Same write only: a later write has set them back itself, and its own check may have failed since.
    await deps.prisma.$executeRaw`
      UPDATE programmes p SET projection_check_failures = 0, projection_check_after = NULL
      FROM unnest(${recovered.map((r) => r.id)}::text[], ${recovered.map((r) => r.projected_task_at.toISOString())}::timestamptz[]) AS r(id, task_at)
      WHERE p.id = r.id AND p.projected_task_at = r.task_at`;
  }
  return result;
}

/**
 * Runs `reconcileReadModel` every `intervalMs` until stopped; a round that finds a full batch
 * runs again at once. Errors of a round are logged, never thrown.
 */
export function startReadModelReconciler(deps: ReadModelReconcilerDeps, options: ReconcileOptions & { intervalMs: number }): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    running = (async () => {
      let again = false;
      try {
        const result = await reconcileReadModel(deps, options);
        again = result.checked + result.failed >= options.batch;
      } catch (err) {
        deps.logger?.warn({ err: err instanceof Error ? err.message : String(err) }, 'read model reconciliation round failed');
      }
      if (!stopped) timer = setTimeout(tick, again ? 0 : options.intervalMs);
    })();
  };
  timer = setTimeout(tick, options.intervalMs);
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
