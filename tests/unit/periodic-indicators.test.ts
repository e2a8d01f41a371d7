import type { Actor, ProgrammeState } from '../../domain/programme-state';
import { ZTemplate } from '../../domain/template-schema';
import * as domain from '../../domain/programme';
import type { RecordIndicatorInput } from '../../domain/programme';
import { checkTemplateDraft } from '../../domain/template-problems';
import { cellKeyOf, indicatorCells, isPeriodOf, periodOfDate, periodOfInstant, periodsOfYear, previousYearPeriod, totalOfPeriod } from '../../domain/indicator-periods';
import { startedState } from '../support/engine-state';
import { applyHistory, checkHistory } from '../../domain/backfill';
import { engineTestTemplate } from '../support/test-templates';

/**
 * Periodic indicators (issue 19): monthly counts per site, corrections kept, refusals that change
 * nothing. The reception points' figures are the seed's (Grésilles, first half of 2021).
 */
const coordinator: Actor = { userId: 'usr_c', role: 'coordinator' };
const contractor: Actor = { userId: 'usr_p', role: 'partner', organisationId: 'org_c' };
const otherPartner: Actor = { userId: 'usr_q', role: 'partner', organisationId: 'org_q' };
const manager: Actor = { userId: 'usr_m', role: 'manager' };
const now = new Date('2026-12-02T10:00:00.000Z');

const template = ZTemplate.parse(
  engineTestTemplate('reception-points-test', {
    indicators: [
      { key: 'interviews', name: { fr: 'Entretiens', en: 'Interviews' }, target: 3 },
      {
        key: 'visits',
        name: { fr: 'Entretiens physiques', en: 'In-person interviews' },
        period: 'month' as const,
        targetPerPeriod: 600,
        recordedBy: 'contractor',
        dimensions: [{ key: 'site', name: { fr: 'Site', en: 'Site' }, values: [{ key: 'gresilles', name: { fr: 'Grésilles', en: 'Grésilles' } }, { key: 'fontaine', name: { fr: 'Fontaine d’Ouche', en: 'Fontaine d’Ouche' } }] }],
      },
      { key: 'calls', name: { fr: 'Appels', en: 'Calls' }, period: 'quarter' as const },
    ],
  }),
);

const record = (state: ProgrammeState, input: RecordIndicatorInput, at = now) => {
  const ctx = { template, state, now: at };
  const refusal = domain.recordIndicator.check(ctx, input);
  if (refusal) return refusal;
  domain.applyAction(domain.recordIndicator, ctx, input);
  return undefined;
};

/** The refusal's code and reason, asserting the check left the state as it was. */
const refusalOf = (state: ProgrammeState, input: RecordIndicatorInput) => {
  const before = JSON.stringify(state);
  const refusal = domain.recordIndicator.check({ template, state, now }, input);
  expect(JSON.stringify(state)).toBe(before);
  return refusal && { code: refusal.code, reason: refusal.params?.reason };
};

describe('periods', () => {
  it('writes months, quarters and years, and checks them by kind', () => {
    expect(periodOfDate('month', '2026-03-31')).toBe('2026-03');
    expect(periodOfDate('quarter', '2026-03-31')).toBe('2026-Q1');
    expect(periodOfDate('quarter', '2026-10-01')).toBe('2026-Q4');
    expect(periodOfDate('year', '2026-10-01')).toBe('2026');
    expect(isPeriodOf('month', '2026-12')).toBe(true);
    expect(isPeriodOf('month', '2026-13')).toBe(false);
    expect(isPeriodOf('month', '2026-Q1')).toBe(false);
    expect(isPeriodOf('quarter', '2026-Q5')).toBe(false);
    expect(isPeriodOf('year', '1999')).toBe(false);
    expect(periodsOfYear('quarter', 2021)).toEqual(['2021-Q1', '2021-Q2', '2021-Q3', '2021-Q4']);
    expect(periodsOfYear('month', 2021)).toHaveLength(12);
    expect(previousYearPeriod('2021-03')).toBe('2020-03');
    expect(previousYearPeriod('2021-Q2')).toBe('2020-Q2');
  });

  it('reads the period in Paris: 31 December 23:30 UTC is already January there', () => {
    expect(periodOfInstant('month', new Date('2026-12-31T23:30:00Z'))).toBe('2027-01');
    expect(periodOfInstant('quarter', new Date('2026-03-31T22:30:00Z'))).toBe('2026-Q2');
  });

  it('takes dimensions in any order as one cell', () => {
    expect(cellKeyOf({ period: '2026-03', dimensions: { site: 'a', kind: 'b' } })).toBe(cellKeyOf({ period: '2026-03', dimensions: { kind: 'b', site: 'a' } }));
  });
});

describe('recording a periodic indicator', () => {
  it('keeps a count per month and site, and the running total over all cells', () => {
    const state = startedState(template, now);
    // Grésilles, first half of 2021 (seed): March 312, April 283, May 297; Fontaine d'Ouche March 367.
    for (const [period, value] of [['2021-03', 312], ['2021-04', 283], ['2021-05', 297]] as const) {
      expect(record(state, { actor: contractor, key: 'visits', value, period, dimensions: { site: 'gresilles' } })).toBeUndefined();
    }
    expect(record(state, { actor: coordinator, key: 'visits', value: 367, period: '2021-03', dimensions: { site: 'fontaine' } })).toBeUndefined();
    const entries = state.indicatorEntries!.visits!;
    expect(totalOfPeriod(entries, '2021-03')).toBe(679);
    expect(state.indicators.visits).toBe(312 + 283 + 297 + 367);
    const event = state.pendingEvents.filter((e) => e.type === 'indicator.recorded').at(-1)!;
    expect(event.data).toMatchObject({ key: 'visits', period: '2021-03', dimensions: { site: 'fontaine' }, value: 367, from: 892, to: 1259 });
  });

  it('keeps a corrected entry: the latest counts, the earlier one stays with who and when', () => {
    const state = startedState(template, now);
    record(state, { actor: contractor, key: 'visits', value: 300, period: '2021-03', dimensions: { site: 'gresilles' } }, new Date('2021-04-02T08:00:00Z'));
    record(state, { actor: coordinator, key: 'visits', value: 312, period: '2021-03', dimensions: { site: 'gresilles' } }, new Date('2021-04-03T08:00:00Z'));
    const [cell] = indicatorCells(state.indicatorEntries!.visits!);
    expect(cell!.current).toMatchObject({ value: 312, by: 'usr_c', at: '2021-04-03T08:00:00.000Z' });
    expect(cell!.earlier).toEqual([expect.objectContaining({ value: 300, by: 'usr_p', at: '2021-04-02T08:00:00.000Z' })]);
    expect(state.indicators.visits).toBe(312);
    const event = state.pendingEvents.filter((e) => e.type === 'indicator.recorded').at(-1)!;
    expect(event.data).toMatchObject({ value: 312, corrected: 300 });
  });

  it('adds an increment to the cell it names, not to the running total', () => {
    const state = startedState(template, now);
    record(state, { actor: coordinator, key: 'calls', value: 72, period: '2021-Q1' });
    record(state, { actor: coordinator, key: 'calls', value: 73, period: '2021-Q2' });
    record(state, { actor: coordinator, key: 'calls', increment: 5, period: '2021-Q1' });
    expect(totalOfPeriod(state.indicatorEntries!.calls!, '2021-Q1')).toBe(77);
    expect(state.indicators.calls).toBe(150);
  });

  it('refuses, changing nothing, what does not fit the indicator', () => {
    const state = startedState(template, now);
    const site = { site: 'gresilles' };
    expect(refusalOf(state, { actor: contractor, key: 'visits', value: 1, dimensions: site })).toEqual({ code: 'invalid_indicator_entry', reason: 'indicator_period_required' });
    expect(refusalOf(state, { actor: contractor, key: 'visits', value: 1, period: '2026-Q1', dimensions: site })).toEqual({ code: 'invalid_indicator_entry', reason: 'indicator_period_format' });
    expect(refusalOf(state, { actor: contractor, key: 'visits', value: 1, period: '2027-01', dimensions: site })).toEqual({ code: 'invalid_indicator_entry', reason: 'indicator_period_future' });
    expect(refusalOf(state, { actor: contractor, key: 'visits', value: 1, period: '2026-12', dimensions: site })).toBeUndefined();
    expect(refusalOf(state, { actor: contractor, key: 'visits', value: 1, period: '2026-03' })).toEqual({ code: 'invalid_indicator_entry', reason: 'indicator_dimensions_mismatch' });
    expect(refusalOf(state, { actor: contractor, key: 'visits', value: 1, period: '2026-03', dimensions: { site: 'chenove' } })).toEqual({ code: 'invalid_indicator_entry', reason: 'indicator_dimensions_mismatch' });
    expect(refusalOf(state, { actor: contractor, key: 'visits', value: 1, period: '2026-03', dimensions: { ...site, kind: 'x' } })).toEqual({ code: 'invalid_indicator_entry', reason: 'indicator_dimensions_mismatch' });
    expect(refusalOf(state, { actor: otherPartner, key: 'visits', value: 1, period: '2026-03', dimensions: site })).toEqual({ code: 'not_allowed', reason: 'indicator_recorded_by_role' });
    expect(refusalOf(state, { actor: manager, key: 'visits', value: 1, period: '2026-03', dimensions: site })).toEqual({ code: 'not_allowed', reason: 'managers_read_only' });
    expect(refusalOf(state, { actor: coordinator, key: 'interviews', value: 1, period: '2026-03' })).toEqual({ code: 'invalid_indicator_entry', reason: 'indicator_not_periodic' });
    expect(refusalOf(state, { actor: coordinator, key: 'calls', value: 1, period: '2026-Q4', dimensions: site })).toEqual({ code: 'invalid_indicator_entry', reason: 'indicator_dimensions_mismatch' });
    expect(state.indicatorEntries).toBeUndefined();
  });

  it('leaves a plain indicator as it was: one running value', () => {
    const state = startedState(template, now);
    record(state, { actor: contractor, key: 'interviews', increment: 2 });
    record(state, { actor: contractor, key: 'interviews', increment: 1 });
    expect(state.indicators.interviews).toBe(3);
    expect(state.indicatorEntries).toBeUndefined();
  });
});

describe('the template rules for periodic indicators', () => {
  const withIndicator = (indicator: Record<string, unknown>) => checkTemplateDraft({ ...engineTestTemplate('t', { indicators: [{ key: 'interviews', name: { fr: 'Entretiens', en: 'Interviews' }, ...indicator }] as never }) });
  const codes = (indicator: Record<string, unknown>) => withIndicator(indicator).problems.map((p) => `${p.path} ${p.code}`);

  it('asks for a period before a target per period or dimensions', () => {
    expect(codes({ targetPerPeriod: 10 })).toEqual(['indicators.0.targetPerPeriod indicator_needs_period']);
    expect(codes({ dimensions: [{ key: 'site', name: { fr: 'Site', en: 'Site' }, values: [{ key: 'a', name: { fr: 'A', en: 'A' } }] }] })).toEqual(['indicators.0.dimensions indicator_needs_period']);
  });

  it('refuses a dimension value listed twice, and a recording role without a label', () => {
    expect(codes({ period: 'month', dimensions: [{ key: 'site', name: { fr: 'Site', en: 'Site' }, values: [{ key: 'a', name: { fr: 'A', en: 'A' } }, { key: 'a', name: { fr: 'A bis', en: 'A bis' } }] }] })).toEqual([
      'indicators.0.dimensions.0.values.1.key duplicate_dimension_key',
    ]);
    expect(codes({ period: 'month', recordedBy: 'reception' })).toEqual(['labels.roles.reception.fr label_missing_roles']);
    expect(codes({ period: 'year', recordedBy: 'contractor', targetPerPeriod: 5 })).toEqual([]);
  });
});

describe('periodic indicators entered as history at the start', () => {
  const ctx = { actor: coordinator, enteredAt: now, today: '2026-12-02' };
  const fresh = () => domain.createInitialState({ programmeId: 'prg_h', title: 'Points Relais', template, startDate: '2026-01-05', slots: { contractor: 'org_c' } }, new Date('2026-01-05T08:00:00Z'));

  it('records each month’s count at its date, per site', () => {
    const state = fresh();
    const site = { site: 'gresilles' };
    const facts = [
      { type: 'indicator' as const, date: '2026-04-03', key: 'visits', value: 312, period: '2026-03', dimensions: site },
      { type: 'indicator' as const, date: '2026-05-04', key: 'visits', value: 283, period: '2026-04', dimensions: site },
    ];
    expect(applyHistory(template, state, { facts }, ctx).problems).toEqual([]);
    expect(indicatorCells(state.indicatorEntries!.visits!).map((c) => [c.period, c.current.value, c.current.at.slice(0, 10)])).toEqual([
      ['2026-03', 312, '2026-04-03'],
      ['2026-04', 283, '2026-05-04'],
    ]);
    expect(state.indicators.visits).toBe(595);
  });

  it('says in French why an entry does not fit: a month not begun on its date, a missing site, a period on a plain indicator', () => {
    const facts = [
      { type: 'indicator' as const, date: '2026-03-20', key: 'visits', value: 1, period: '2026-04', dimensions: { site: 'gresilles' } },
      { type: 'indicator' as const, date: '2026-04-20', key: 'visits', value: 1, period: '2026-03' },
      { type: 'indicator' as const, date: '2026-04-20', key: 'interviews', value: 1, period: '2026-03' },
    ];
    expect(checkHistory(template, fresh(), { facts }, ctx).map((p) => [p.code, p.message])).toEqual([
      ['history_indicator_entry', 'Indicateur « Entretiens physiques » saisi le 20/03/2026 : la période n’était pas encore commencée.'],
      ['history_indicator_entry', 'Indicateur « Entretiens physiques » saisi le 20/04/2026 : précisez une valeur prévue pour chacune de ses dimensions.'],
      ['history_indicator_entry', 'Indicateur « Entretiens » saisi le 20/04/2026 : il ne se saisit pas par période.'],
    ]);
  });
});
