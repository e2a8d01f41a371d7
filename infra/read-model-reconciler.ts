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
}

/**
 * One round: claims up to `batch` settled, unchecked rows (several workers may run rounds
 * concurrently: a row is claimed by one of them), checks and repairs them.
 * A row counts as unchecked while the position of its last write differs from the one checked,
 * so any later write (a zombie's included) is checked again. Rows without a position (written by
 * workflow code older than issue 22) are not checked.
 */
export async function reconcileReadModel(deps: ReadModelReconcilerDeps, { settleMs, batch }: ReconcileOptions): Promise<ReconcileResult> {
  const rows = await deps.prisma.$queryRaw<ClaimedRow[]>`
    UPDATE programmes p SET projection_checked_task_at = p.projected_task_at
    FROM (
      SELECT id FROM programmes
      WHERE projected_task_at IS NOT NULL
        AND projection_checked_task_at IS DISTINCT FROM projected_task_at
        AND updated_at < now() - make_interval(secs => ${settleMs / 1000}::float8)
      ORDER BY updated_at
      LIMIT ${batch}::int
      FOR UPDATE SKIP LOCKED
    ) due
    WHERE p.id = due.id
    RETURNING p.id, p.state_version, p.projected_run_started_at, p.projected_task_at`;
  const result: ReconcileResult = { checked: 0, repaired: 0, failed: 0 };
  for (const row of rows) {
    try {
      // Describe before the Query: a workflow task started after the description sees a longer
      // history than it, so its projection always beats the repair written below.
      const historyLength = await deps.describeHistoryLength(row.id);
      if (historyLength === undefined) {
        result.checked += 1;
        continue;
      }
      const state = await deps.queryState(row.id);
      result.checked += 1;
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
      // Checked again on a later round.
      result.failed += 1;
      await deps.prisma.$executeRaw`UPDATE programmes SET projection_checked_task_at = NULL WHERE id = ${row.id} AND projection_checked_task_at = ${row.projected_task_at}`;
      deps.logger?.warn({ programmeId: row.id, err: err instanceof Error ? err.message : String(err) }, 'read model check failed; retried later');
    }
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
