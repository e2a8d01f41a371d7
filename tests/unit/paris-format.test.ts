import { formatClockTime, formatParisDate, formatParisDateTime } from '../../domain/paris-format';

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
