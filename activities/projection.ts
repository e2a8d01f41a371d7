import type { Prisma, PrismaClient } from '../generated/prisma/client';
import type { ProgrammeState } from '../domain/programme-state';
import type { Template } from '../domain/template-schema';
import { publishProgrammeChange } from './notifications';

interface StepRow {
  key: string;
  phase_key: string;
  name: string;
  status: string;
  position: number;
  due_at: string | null;
  assignee_kind: string;
  organisation_id: string | null;
  milestone: boolean;
  completed_at: string | null;
}

const iso = (at: string | null | undefined) => (at ? new Date(at).toISOString() : null);

export interface ProjectionDeps {
  prisma: PrismaClient;
  loadTemplateVersion(key: string, version: number): Promise<Template>;
}

/**
 * Writes a programme's state into the read model. Idempotent and order-proof: rows carry
 * the state version, an older or repeated projection changes nothing, and audit events
 * are keyed by (programme, seq).
 */
export function createProjectionActivities({ prisma, loadTemplateVersion }: ProjectionDeps) {
  return {
    async projectProgramme({ template: ref, state }: { template: { key: string; version: number }; state: ProgrammeState }): Promise<void> {
      const template = await loadTemplateVersion(ref.key, ref.version);
      const milestoneSteps = new Set(template.phases.flatMap((p) => p.steps.filter((s) => s.milestone).map((s) => s.key)));
      const stepNames = new Map(template.phases.flatMap((p) => p.steps.map((s) => [s.key, s.name.fr] as const)));
      const nextDue = state.steps.filter((s) => s.status === 'active' && s.dueAt).map((s) => Date.parse(s.dueAt!));
      const { pendingEvents, ...stored } = state;
      await prisma.$transaction(async (tx) => {
        if (pendingEvents.length) {
          await tx.programmeEvent.createMany({
            data: pendingEvents.map((e) => ({ programmeId: state.programmeId, seq: e.seq, type: e.type, actorId: e.actorId ?? null, onBehalfOf: e.onBehalfOf ?? null, data: e.data as Prisma.InputJsonValue, at: new Date(e.at) })),
            skipDuplicates: true,
          });
        }
        const current = await tx.$queryRaw<{ state_version: number }[]>`SELECT state_version FROM programmes WHERE id = ${state.programmeId} FOR UPDATE`;
        if (current[0] && current[0].state_version >= state.version) return;
        const row = {
          title: state.title,
          templateKey: state.templateKey,
          templateVersion: state.templateVersion,
          status: state.status,
          parentId: state.parentId ?? null,
          coordinatorId: state.coordinatorId ?? null,
          startDate: state.startDate,
          nextDueAt: nextDue.length ? new Date(Math.min(...nextDue)) : null,
          lateSteps: state.steps.filter((s) => s.late).length,
          stateVersion: state.version,
          state: stored as unknown as Prisma.InputJsonValue,
        };
        await tx.programme.upsert({ where: { id: state.programmeId }, create: { id: state.programmeId, ...row }, update: row });
        // Only what changed is written: a step or enrolment row is updated when one of its
        // columns differs, inserted when new, deleted when gone (it used to be delete-all and
        // re-insert on every change, docs/performance.md).
        const steps = state.steps.flatMap((s): StepRow[] => {
          const base = {
            phase_key: s.phaseKey,
            name: stepNames.get(s.key) ?? s.key,
            status: s.status,
            position: s.position,
            due_at: iso(s.dueAt),
            milestone: milestoneSteps.has(s.key),
            completed_at: iso(s.completedAt),
          };
          // One row per assignee organisation keeps "my tasks" a plain indexed lookup.
          const a = s.assignee;
          if (a.kind === 'eachPartner' && a.organisationIds.length > 0) {
            return a.organisationIds.map((org) => ({ ...base, key: `${s.key}@${org}`, status: s.parts[org] ? 'completed' : base.status, assignee_kind: 'eachPartner', organisation_id: org }));
          }
          return [{ ...base, key: s.key, assignee_kind: a.kind, organisation_id: a.kind === 'organisation' ? a.organisationId : null }];
        });
        await tx.$executeRaw`
          WITH desired AS (
            SELECT * FROM jsonb_to_recordset(${JSON.stringify(steps)}::jsonb)
              AS d(key text, phase_key text, name text, status text, position int, due_at timestamptz, assignee_kind text, organisation_id text, milestone boolean, completed_at timestamptz)
          ), gone AS (
            DELETE FROM steps s WHERE s.programme_id = ${state.programmeId} AND NOT EXISTS (SELECT 1 FROM desired d WHERE d.key = s.key)
          )
          INSERT INTO steps (programme_id, key, phase_key, name, status, position, due_at, assignee_kind, organisation_id, milestone, completed_at)
          SELECT ${state.programmeId}, d.key, d.phase_key, d.name, d.status, d.position, d.due_at, d.assignee_kind, d.organisation_id, d.milestone, d.completed_at FROM desired d
          ON CONFLICT (programme_id, key) DO UPDATE SET
            phase_key = EXCLUDED.phase_key, name = EXCLUDED.name, status = EXCLUDED.status, position = EXCLUDED.position, due_at = EXCLUDED.due_at,
            assignee_kind = EXCLUDED.assignee_kind, organisation_id = EXCLUDED.organisation_id, milestone = EXCLUDED.milestone, completed_at = EXCLUDED.completed_at
          WHERE (steps.phase_key, steps.name, steps.status, steps.position, steps.due_at, steps.assignee_kind, steps.organisation_id, steps.milestone, steps.completed_at)
            IS DISTINCT FROM (EXCLUDED.phase_key, EXCLUDED.name, EXCLUDED.status, EXCLUDED.position, EXCLUDED.due_at, EXCLUDED.assignee_kind, EXCLUDED.organisation_id, EXCLUDED.milestone, EXCLUDED.completed_at)`;
        // The first of duplicate enrolments wins, as skipDuplicates did.
        const enrolments = state.phases.flatMap((p) => p.enrolled.map((e) => ({ organisation_id: e.organisationId, phase_key: p.key, enrolled_at: iso(e.at) }))).map((e, n) => ({ ...e, n }));
        await tx.$executeRaw`
          WITH desired AS (
            SELECT DISTINCT ON (organisation_id, phase_key) * FROM jsonb_to_recordset(${JSON.stringify(enrolments)}::jsonb) AS d(organisation_id text, phase_key text, enrolled_at timestamptz, n int)
              ORDER BY organisation_id, phase_key, n
          ), gone AS (
            DELETE FROM enrolments e WHERE e.programme_id = ${state.programmeId} AND NOT EXISTS (SELECT 1 FROM desired d WHERE d.organisation_id = e.organisation_id AND d.phase_key = e.phase_key)
          )
          INSERT INTO enrolments (programme_id, organisation_id, phase_key, enrolled_at)
          SELECT ${state.programmeId}, d.organisation_id, d.phase_key, d.enrolled_at FROM desired d
          ON CONFLICT (programme_id, organisation_id, phase_key) DO UPDATE SET enrolled_at = EXCLUDED.enrolled_at
          WHERE enrolments.enrolled_at IS DISTINCT FROM EXCLUDED.enrolled_at`;
      });
      await publishProgrammeChange(prisma, state);
    },
  };
}
