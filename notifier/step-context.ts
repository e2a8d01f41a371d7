import type { StepState } from '../domain/programme-state';
import type { PrismaClient } from '../generated/prisma/client';
import type { TemplateStore } from '../activities/templates';
import type { Locale } from './catalogue';
import { definitionKey, templateStepKey } from '../domain/step-row-key';

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
  const stepKey = ref.stepKey === undefined ? undefined : templateStepKey(ref.stepKey);
  // Only the step's part of the state, picked out by PostgreSQL: reading and parsing the whole state
  // (several KiB) for every message was a visible share of the notifier's time (docs/performance.md).
  const rows = await prisma.$queryRaw<{ template_key: string; template_version: number; step: Pick<StepState, 'phaseKey' | 'dueAt' | 'status'> | null }[]>`
    SELECT p.template_key, p.template_version,
           (SELECT jsonb_build_object('phaseKey', s->'phaseKey', 'dueAt', s->'dueAt', 'status', s->'status') FROM jsonb_array_elements(p.state->'steps') s WHERE s->>'key' = ${stepKey ?? null} LIMIT 1) AS step
    FROM programmes p WHERE p.id = ${ref.programmeId}`;
  const row = rows[0];
  if (!row) return { found: false };
  const template = await templates.loadTemplateVersion(row.template_key, row.template_version).catch(() => undefined);
  const step = stepKey && row.step ? { phaseKey: row.step.phaseKey, dueAt: row.step.dueAt ?? undefined, status: row.step.status } : undefined;
  const phaseKey = ref.phaseKey ?? step?.phaseKey;
  const phase = template?.phases.find((p) => p.key === phaseKey);
  const defKey = stepKey && definitionKey(stepKey);
  const stepDefinition = defKey ? phase?.steps.find((s) => s.key === defKey) ?? template?.phases.flatMap((p) => p.steps).find((s) => s.key === defKey) : undefined;
  return {
    found: true,
    stepName: stepDefinition?.name[locale],
    phaseName: phase?.name[locale],
    dueAt: step?.dueAt,
    stepStatus: step?.status,
  };
}
