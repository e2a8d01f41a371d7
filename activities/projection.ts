import type { PrismaClient } from '../generated/prisma/client';
import type { ProgrammeState } from '../domain/programme-state';
import type { Template } from '../domain/template-schema';
import type { ProgrammeChangePublisher } from './notifications';
import { definitionKey, stepRowKey } from '../domain/step-row-key';
import { nextDueAt } from '../domain/lateness';
import { programmeOrganisations } from '../domain/visibility';

interface StepRow {
  key: string;
  step_key: string;
  phase_key: string;
  name: string;
  status: string;
  position: number;
  due_at: string | null;
  assignee_kind: string;
  organisation_id: string | null;
  milestone: boolean;
  completed_at: string | null;
  late: boolean;
}

const iso = (at: string | null | undefined) => (at ? new Date(at).toISOString() : null);

export interface ProjectionDeps {
  prisma: PrismaClient;
  loadTemplateVersion(key: string, version: number): Promise<Template>;
  /** Told once the read model committed, so that open pages refresh (activities/notifications.ts). */
  publishChange: ProgrammeChangePublisher;
}

/**
 * Where in the workflow's history a projection was computed (workflows/projection-position.ts):
 * the run's start (continue-as-new starts a later run), the history length at the workflow task,
 * and that task's time (a retried task may see the same history length: the server does not write
 * a failed retry's events, but the next attempt starts later). Compared in that order, then by
 * state version (several projections in one workflow task).
 */
export interface ProjectionPosition {
  runStartedAt: string;
  historyLength: number;
  taskAt: string;
}

export interface ProjectProgrammeInput {
  template: { key: string; version: number };
  state: ProgrammeState;
  /** Absent from projections scheduled by workflow code older than issue 22. */
  position?: ProjectionPosition;
}

/**
 * Writes a programme's state into the read model. Idempotent and order-proof: the write that
 * comes from the latest workflow task wins, an older or repeated projection changes nothing, and
 * audit events are keyed by (programme, seq).
 *
 * Why the position and not the state version alone: a workflow task abandoned by its worker
 * (killed, or too slow: the task timed out) can still run its local projection, and the state it
 * writes never reaches history (a local activity's result is recorded only when its task
 * completes). The retried task computes the same state version, possibly with other content (its
 * own clock, Updates delivered again or not). With "newer version wins" the first of the two
 * writes stayed (the long topology drill's stale row, docs/reliability.md); with the position the
 * retried task, which comes later in history, replaces the abandoned one's write whichever lands
 * first, and the audit events it carries replace the abandoned task's.
 */
export function createProjectionActivities({ prisma, loadTemplateVersion, publishChange }: ProjectionDeps) {
  return {
    async projectProgramme({ template: ref, state, position }: ProjectProgrammeInput): Promise<void> {
      const template = await loadTemplateVersion(ref.key, ref.version);
      const milestoneSteps = new Set(template.phases.flatMap((p) => p.steps.filter((s) => s.milestone).map((s) => s.key)));
      const stepNames = new Map(template.phases.flatMap((p) => p.steps.map((s) => [s.key, s.name.fr] as const)));
      const { pendingEvents, ...stored } = state;
      const steps = state.steps.flatMap((s): StepRow[] => {
        const base = {
          step_key: s.key,
          phase_key: s.phaseKey,
          name: stepNames.get(definitionKey(s.key)) ?? s.key,
          status: s.status,
          position: s.position,
          due_at: iso(s.dueAt),
          milestone: milestoneSteps.has(definitionKey(s.key)),
          completed_at: iso(s.completedAt),
          late: s.late && s.status !== 'completed',
        };
        // One row per assignee organisation keeps "my tasks" a plain indexed lookup.
        const a = s.assignee;
        if (a.kind === 'eachPartner' && a.organisationIds.length > 0) {
          return a.organisationIds.map((org) => ({ ...base, key: stepRowKey(s.key, org), status: s.parts[org] ? 'completed' : base.status, late: base.late && !s.parts[org], assignee_kind: 'eachPartner', organisation_id: org }));
        }
        return [{ ...base, key: s.key, assignee_kind: a.kind, organisation_id: a.kind === 'organisation' ? a.organisationId : null }];
      });
      // The first of duplicate enrolments wins.
      const enrolments = state.phases.flatMap((p) => p.enrolled.map((e) => ({ organisation_id: e.organisationId, phase_key: p.key, enrolled_at: iso(e.at) }))).map((e, n) => ({ ...e, n }));
      // Each taking-part organisation (domain/visibility.ts) with the figures of its own rows: an
      // "each partner" step whose part it did is neither late nor open for it.
      const organisations = programmeOrganisations(state).map((org) => {
        const mine = steps.filter((r) => r.organisation_id === org);
        return { organisation_id: org, late_steps: mine.filter((r) => r.late).length, next_due_at: nextDueAt(mine.map((r) => ({ status: r.status, dueAt: r.due_at })))?.toISOString() ?? null };
      });
      const events = pendingEvents.map((e) => ({ seq: e.seq, type: e.type, actor_id: e.actorId ?? null, on_behalf_of: e.onBehalfOf ?? null, data: e.data ?? {}, at: iso(e.at) }));
      const id = state.programmeId;
      // One statement, one round-trip (it was an interactive transaction of eight). Audit events are
      // always added (keyed by seq); everything else is written only when this projection comes from
      // later in the workflow's history than the stored one (rows and projections from before the
      // position existed: a newer state version): `prog` returns a row only then (ON CONFLICT waits
      // for a concurrent writer of the same programme and re-checks), and the step, enrolment and
      // event rewrites depend on it. Only rows that differ are written: updated when a column
      // changed, inserted when new, deleted when gone (events past the state's last seq: written by
      // an abandoned workflow task).
      await prisma.$executeRaw`
        WITH prog AS (
          INSERT INTO programmes (id, title, template_key, template_version, status, parent_id, coordinator_id, start_date, next_due_at, late_steps, state_version, state,
                                  projected_run_started_at, projected_history_length, projected_task_at, updated_at)
          VALUES (${id}, ${state.title}, ${state.templateKey}, ${state.templateVersion}::int, ${state.status}, ${state.parentId ?? null}, ${state.coordinatorId ?? null}, ${state.startDate},
                  ${nextDueAt(state.steps)?.toISOString() ?? null}::timestamptz, ${state.steps.filter((s) => s.late).length}::int, ${state.version}::int, ${JSON.stringify(stored)}::jsonb,
                  ${position?.runStartedAt ?? null}::timestamptz, ${position?.historyLength ?? null}::int, ${position?.taskAt ?? null}::timestamptz, now())
          ON CONFLICT (id) DO UPDATE SET
            title = EXCLUDED.title, template_key = EXCLUDED.template_key, template_version = EXCLUDED.template_version, status = EXCLUDED.status, parent_id = EXCLUDED.parent_id,
            coordinator_id = EXCLUDED.coordinator_id, start_date = EXCLUDED.start_date, next_due_at = EXCLUDED.next_due_at, late_steps = EXCLUDED.late_steps,
            state_version = EXCLUDED.state_version, state = EXCLUDED.state, projected_run_started_at = EXCLUDED.projected_run_started_at,
            projected_history_length = EXCLUDED.projected_history_length, projected_task_at = EXCLUDED.projected_task_at, updated_at = EXCLUDED.updated_at,
            -- A new write comes from a workflow task that ran: the reconciler's back-off for an unreachable workflow no longer applies.
            projection_check_failures = 0, projection_check_after = NULL
          WHERE CASE
            WHEN programmes.projected_history_length IS NULL OR EXCLUDED.projected_history_length IS NULL
              -- A side without a position: a newer version wins; at the same version, the side with one.
              THEN programmes.state_version < EXCLUDED.state_version
                OR (programmes.state_version = EXCLUDED.state_version AND EXCLUDED.projected_history_length IS NOT NULL)
            ELSE (programmes.projected_run_started_at, programmes.projected_history_length, programmes.projected_task_at, programmes.state_version)
               < (EXCLUDED.projected_run_started_at, EXCLUDED.projected_history_length, EXCLUDED.projected_task_at, EXCLUDED.state_version)
          END
          RETURNING id
        ), added_events AS (
          INSERT INTO programme_events (programme_id, seq, type, actor_id, on_behalf_of, data, at)
          SELECT ${id}, e.seq, e.type, e.actor_id, e.on_behalf_of, e.data, e.at
          FROM jsonb_to_recordset(${JSON.stringify(events)}::jsonb) AS e(seq int, type text, actor_id text, on_behalf_of text, data jsonb, at timestamptz)
          ON CONFLICT (programme_id, seq) DO UPDATE SET type = EXCLUDED.type, actor_id = EXCLUDED.actor_id, on_behalf_of = EXCLUDED.on_behalf_of, data = EXCLUDED.data, at = EXCLUDED.at
          WHERE EXISTS (SELECT 1 FROM prog)
            AND (programme_events.type, programme_events.actor_id, programme_events.on_behalf_of, programme_events.data, programme_events.at)
                IS DISTINCT FROM (EXCLUDED.type, EXCLUDED.actor_id, EXCLUDED.on_behalf_of, EXCLUDED.data, EXCLUDED.at)
        ), gone_events AS (
          DELETE FROM programme_events e WHERE e.programme_id = ${id} AND e.seq > ${state.eventSeq}::int AND EXISTS (SELECT 1 FROM prog)
        ), desired_steps AS (
          SELECT d.* FROM jsonb_to_recordset(${JSON.stringify(steps)}::jsonb)
            AS d(key text, step_key text, phase_key text, name text, status text, position int, due_at timestamptz, assignee_kind text, organisation_id text, milestone boolean, completed_at timestamptz, late boolean)
          WHERE EXISTS (SELECT 1 FROM prog)
        ), gone_steps AS (
          DELETE FROM steps s WHERE s.programme_id = ${id} AND EXISTS (SELECT 1 FROM prog) AND NOT EXISTS (SELECT 1 FROM desired_steps d WHERE d.key = s.key)
        ), written_steps AS (
          INSERT INTO steps (programme_id, key, step_key, phase_key, name, status, position, due_at, assignee_kind, organisation_id, milestone, completed_at, late)
          SELECT ${id}, d.key, d.step_key, d.phase_key, d.name, d.status, d.position, d.due_at, d.assignee_kind, d.organisation_id, d.milestone, d.completed_at, d.late FROM desired_steps d
          ON CONFLICT (programme_id, key) DO UPDATE SET
            step_key = EXCLUDED.step_key, late = EXCLUDED.late, phase_key = EXCLUDED.phase_key, name = EXCLUDED.name, status = EXCLUDED.status, position = EXCLUDED.position, due_at = EXCLUDED.due_at,
            assignee_kind = EXCLUDED.assignee_kind, organisation_id = EXCLUDED.organisation_id, milestone = EXCLUDED.milestone, completed_at = EXCLUDED.completed_at,
            -- A new due date (extension, resume) is a new version of the step's calendar event.
            due_revision = steps.due_revision + CASE WHEN steps.due_at IS NOT NULL AND steps.due_at IS DISTINCT FROM EXCLUDED.due_at THEN 1 ELSE 0 END,
            due_changed_at = CASE WHEN steps.due_at IS DISTINCT FROM EXCLUDED.due_at THEN now() ELSE steps.due_changed_at END
          WHERE (steps.step_key, steps.late, steps.phase_key, steps.name, steps.status, steps.position, steps.due_at, steps.assignee_kind, steps.organisation_id, steps.milestone, steps.completed_at)
            IS DISTINCT FROM (EXCLUDED.step_key, EXCLUDED.late, EXCLUDED.phase_key, EXCLUDED.name, EXCLUDED.status, EXCLUDED.position, EXCLUDED.due_at, EXCLUDED.assignee_kind, EXCLUDED.organisation_id, EXCLUDED.milestone, EXCLUDED.completed_at)
        ), desired_organisations AS (
          SELECT d.* FROM jsonb_to_recordset(${JSON.stringify(organisations)}::jsonb) AS d(organisation_id text, late_steps int, next_due_at timestamptz)
          WHERE EXISTS (SELECT 1 FROM prog)
        ), gone_organisations AS (
          DELETE FROM programme_organisations o WHERE o.programme_id = ${id} AND EXISTS (SELECT 1 FROM prog)
            AND NOT EXISTS (SELECT 1 FROM desired_organisations d WHERE d.organisation_id = o.organisation_id)
        ), written_organisations AS (
          INSERT INTO programme_organisations (programme_id, organisation_id, late_steps, next_due_at)
          SELECT ${id}, d.organisation_id, d.late_steps, d.next_due_at FROM desired_organisations d
          ON CONFLICT (programme_id, organisation_id) DO UPDATE SET late_steps = EXCLUDED.late_steps, next_due_at = EXCLUDED.next_due_at
          WHERE (programme_organisations.late_steps, programme_organisations.next_due_at) IS DISTINCT FROM (EXCLUDED.late_steps, EXCLUDED.next_due_at)
        ), desired_enrolments AS (
          SELECT DISTINCT ON (d.organisation_id, d.phase_key) d.organisation_id, d.phase_key, d.enrolled_at
          FROM jsonb_to_recordset(${JSON.stringify(enrolments)}::jsonb) AS d(organisation_id text, phase_key text, enrolled_at timestamptz, n int)
          WHERE EXISTS (SELECT 1 FROM prog)
          ORDER BY d.organisation_id, d.phase_key, d.n
        ), gone_enrolments AS (
          DELETE FROM enrolments e WHERE e.programme_id = ${id} AND EXISTS (SELECT 1 FROM prog)
            AND NOT EXISTS (SELECT 1 FROM desired_enrolments d WHERE d.organisation_id = e.organisation_id AND d.phase_key = e.phase_key)
        )
        INSERT INTO enrolments (programme_id, organisation_id, phase_key, enrolled_at)
        SELECT ${id}, d.organisation_id, d.phase_key, d.enrolled_at FROM desired_enrolments d
        ON CONFLICT (programme_id, organisation_id, phase_key) DO UPDATE SET enrolled_at = EXCLUDED.enrolled_at
        WHERE enrolments.enrolled_at IS DISTINCT FROM EXCLUDED.enrolled_at`;
      await publishChange(state);
    },
  };
}
