import type { ProgrammeState } from '../domain/programme-state';
import type { PrismaClient } from '../generated/prisma/client';
import type { TemplateStore } from '../activities/templates';
import type { Locale } from './catalogue';

export interface StepContext {
  /** The programme is in the read model. */
  found: boolean;
  stepName?: string;
  phaseName?: string;
  dueAt?: string;
  stepStatus?: string;
}

/**
 * Names and due date of a notification's step, read from the read model when the message is
 * rendered (the workflow's requests carry keys, not words). Template versions are immutable,
 * so the store's cache stays right.
 */
export async function describeStep(
  prisma: PrismaClient,
  templates: TemplateStore,
  ref: { programmeId: string; stepKey?: string; phaseKey?: string },
  locale: Locale,
): Promise<StepContext> {
  const row = await prisma.programme.findUnique({ where: { id: ref.programmeId }, select: { templateKey: true, templateVersion: true, state: true } });
  if (!row) return { found: false };
  const template = await templates.loadTemplateVersion(row.templateKey, row.templateVersion).catch(() => undefined);
  const state = row.state as unknown as ProgrammeState;
  const stepKey = ref.stepKey?.split('@')[0];
  const step = stepKey ? state.steps.find((s) => s.key === stepKey) : undefined;
  const phaseKey = ref.phaseKey ?? step?.phaseKey;
  const phase = template?.phases.find((p) => p.key === phaseKey);
  const stepDefinition = stepKey ? phase?.steps.find((s) => s.key === stepKey) ?? template?.phases.flatMap((p) => p.steps).find((s) => s.key === stepKey) : undefined;
  return {
    found: true,
    stepName: stepDefinition?.name[locale],
    phaseName: phase?.name[locale],
    dueAt: step?.dueAt,
    stepStatus: step?.status,
  };
}
