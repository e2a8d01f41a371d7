/**
 * The history a programme may start with (issue 20, domain/backfill.ts): one zod schema for the
 * start request's `history`, the sub-programme request's and the import's. Kept apart from
 * backfill.ts, which runs inside the workflow sandbox.
 */
import { z } from 'zod';
import { ZIndicatorPeriodText, ZIsoDate } from './template-schema';

const ZKey = z.string().min(1).max(200).regex(/^[a-z0-9][a-z0-9-]*$/, 'unknown key');
const ZId = z.string().min(1).max(200);
const ZNote = z.string().trim().max(2000).optional();

export const ZHistoryFact = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('enrolment'), date: ZIsoDate, phaseKey: ZKey, organisationId: ZId, slot: ZKey.optional(), childKey: ZKey.optional() }),
  z.strictObject({ type: z.literal('gate'), date: ZIsoDate, phaseKey: ZKey, childKey: ZKey.optional() }),
  z.strictObject({ type: z.literal('step'), date: ZIsoDate, stepKey: ZKey, organisationId: ZId.optional(), note: ZNote, data: z.unknown().optional(), outcome: ZKey.optional(), childKey: ZKey.optional() }),
  z.strictObject({
    type: z.literal('indicator'),
    date: ZIsoDate,
    key: ZKey,
    value: z.number().finite(),
    childKey: ZKey.optional(),
    /** A periodic indicator's period (2021-03, 2021-Q1, 2021) and dimension values ({ site: 'gresilles' }). */
    period: ZIndicatorPeriodText.optional(),
    dimensions: z.record(ZKey, ZKey).optional(),
  }),
  z.strictObject({
    type: z.literal('award'),
    date: ZIsoDate,
    childKey: ZKey,
    winner: ZId,
    providers: z.array(ZId).max(30).optional(),
    scores: z.record(ZId, z.record(ZKey, z.number().min(0).max(20))).optional(),
    note: ZNote,
  }),
]);

/** What already happened, each fact at its real date (YYYY-MM-DD, Paris), between the start and today. */
export const ZHistory = z.strictObject({ facts: z.array(ZHistoryFact).min(1).max(1000) });
