import { z } from 'zod';
import type { ProgrammeState } from '../domain/programme-state';

/** Redis pub/sub channel: one message per projected programme change, fanned out to browsers as SSE. */
export const PROGRAMME_CHANGES_CHANNEL = 'jalons:programme-changes';

export const ZProgrammeChange = z.object({
  programmeId: z.string(),
  version: z.number().int(),
  status: z.string(),
  /** Every organisation with a part in the programme: partners of these may see it. */
  organisations: z.array(z.string()),
});
export type ProgrammeChange = z.infer<typeof ZProgrammeChange>;

/** The same organisations `partnerCanSee` looks at: enrolled, in a slot, or assigned a step. */
export function toProgrammeChange(state: ProgrammeState): ProgrammeChange {
  const organisations = new Set<string>();
  for (const phase of state.phases) for (const e of phase.enrolled) organisations.add(e.organisationId);
  for (const org of Object.values(state.slots)) organisations.add(org);
  for (const step of state.steps) {
    if (step.assignee.kind === 'organisation') organisations.add(step.assignee.organisationId);
    if (step.assignee.kind === 'eachPartner') for (const org of step.assignee.organisationIds) organisations.add(org);
  }
  return { programmeId: state.programmeId, version: state.version, status: state.status, organisations: [...organisations].sort() };
}
