import { z } from 'zod';
import type { ProgrammeState } from '../domain/programme-state';
import { programmeOrganisations } from '../domain/visibility';

/** Redis pub/sub channel: one message per projected programme change, fanned out to browsers as SSE. */
export const PROGRAMME_CHANGES_CHANNEL = 'jalons:programme-changes';

export const ZProgrammeChange = z.object({
  programmeId: z.string(),
  version: z.number().int(),
  status: z.string(),
  /** Every organisation with a part in the programme: partners of these may see it (domain/visibility.ts). */
  organisations: z.array(z.string()),
});
export type ProgrammeChange = z.infer<typeof ZProgrammeChange>;

export function toProgrammeChange(state: ProgrammeState): ProgrammeChange {
  return { programmeId: state.programmeId, version: state.version, status: state.status, organisations: programmeOrganisations(state) };
}
