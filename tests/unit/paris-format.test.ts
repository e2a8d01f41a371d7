import { formatClockTime, formatParisDate, formatParisDateTime, formatPeriod } from '../../domain/paris-format';

describe('the Paris date formatter', () => {
  it('shows a due date with its closing hour as "14 décembre 2026, 18 h 00"', () => {
    expect(formatParisDateTime('2026-12-14T17:00:00.000Z')).toBe('14 décembre 2026, 18 h 00');
    expect(formatParisDateTime('2026-12-14T17:00:00.000Z', 'en')).toBe('14 December 2026, 18:00');
    expect(formatParisDateTime('2026-12-14T17:00:00.000Z', 'fr', { weekday: true })).toBe('lundi 14 décembre 2026, 18 h 00');
  });

  it('uses Paris summer time and the Paris calendar day', () => {
    expect(formatParisDateTime('2027-06-14T16:00:00.000Z')).toBe('14 juin 2027, 18 h 00');
    // 23:30 UTC on 31 December is already 1 January in Paris.
    expect(formatParisDateTime('2026-12-31T23:30:00.000Z')).toBe('1 janvier 2027, 00 h 30');
    expect(formatParisDate('2026-12-31T23:30:00.000Z')).toBe('1 janvier 2027');
    expect(formatParisDate('2026-12-14')).toBe('14 décembre 2026');
  });

  it('writes a clock time the French way', () => {
    expect(formatClockTime('18:00')).toBe('18 h 00');
    expect(formatClockTime('09:05', 'en')).toBe('09:05');
  });
});

describe('a periodic indicator’s period, as people write it', () => {
  it('says months, quarters and years in French and in English', () => {
    expect(['2026-03', '2026-Q1', '2026-Q3', '2026'].map((p) => formatPeriod(p, 'fr'))).toEqual(['mars 2026', '1er trimestre 2026', '3e trimestre 2026', '2026']);
    expect(['2026-03', '2026-Q1', '2026'].map((p) => formatPeriod(p, 'en'))).toEqual(['March 2026', 'Q1 2026', '2026']);
  });
});
