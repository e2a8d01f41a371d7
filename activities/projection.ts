import type { Prisma, PrismaClient } from '../generated/prisma/client';
import type { ProgrammeState } from '../domain/programme-state';
import type { Template } from '../domain/template-schema';
import { publishProgrammeChange } from './notifications';

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
        await tx.step.deleteMany({ where: { programmeId: state.programmeId } });
        await tx.step.createMany({
          data: state.steps.flatMap((s): Prisma.StepCreateManyInput[] => {
            const base = {
              programmeId: state.programmeId,
              phaseKey: s.phaseKey,
              name: stepNames.get(s.key) ?? s.key,
              status: s.status,
              position: s.position,
              dueAt: s.dueAt ? new Date(s.dueAt) : null,
              milestone: milestoneSteps.has(s.key),
              completedAt: s.completedAt ? new Date(s.completedAt) : null,
            };
            // One row per assignee organisation keeps "my tasks" a plain indexed lookup.
            const a = s.assignee;
            if (a.kind === 'eachPartner' && a.organisationIds.length > 0) {
              return a.organisationIds.map((org) => ({ ...base, key: `${s.key}@${org}`, status: s.parts[org] ? 'completed' : base.status, assigneeKind: 'eachPartner', organisationId: org }));
            }
            return [{ ...base, key: s.key, assigneeKind: a.kind, organisationId: a.kind === 'organisation' ? a.organisationId : null }];
          }),
        });
        await tx.enrolment.deleteMany({ where: { programmeId: state.programmeId } });
        await tx.enrolment.createMany({
          data: state.phases.flatMap((p) => p.enrolled.map((e) => ({ programmeId: state.programmeId, organisationId: e.organisationId, phaseKey: p.key, enrolledAt: new Date(e.at) }))),
          skipDuplicates: true,
        });
      });
      await publishProgrammeChange(prisma, state);
    },
  };
}
