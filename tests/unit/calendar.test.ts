import Holidays from 'date-holidays';
import { FRENCH_PUBLIC_HOLIDAYS } from '../../domain/french-public-holidays';
import { HOLIDAY_YEARS } from '../../domain/holiday-years';
import { listFrenchPublicHolidays } from '../../scripts/generate-french-holidays';
import { addDuration, isFrenchWorkingDay, isWorkingDate, parisDateToInstant, toParisDate } from '../../domain/calendar';

function paris(date: string, time = '09:00'): Date {
  return parisDateToInstant(date, time);
}

describe('parisDateToInstant', () => {
  it('uses UTC+2 in summer and UTC+1 in winter', () => {
    expect(paris('2026-07-01').toISOString()).toBe('2026-07-01T07:00:00.000Z');
    expect(paris('2026-01-15').toISOString()).toBe('2026-01-15T08:00:00.000Z');
    expect(parisDateToInstant('2026-01-15', '00:00:30').toISOString()).toBe('2026-01-14T23:00:30.000Z');
  });

  it('pushes a time skipped by the spring-forward gap past the gap', () => {
    // 29 March 2026: clocks jump from 02:00 CET to 03:00 CEST.
    expect(parisDateToInstant('2026-03-29', '02:30').toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(parisDateToInstant('2026-03-29', '03:00').toISOString()).toBe('2026-03-29T01:00:00.000Z');
  });

  it('resolves a time repeated in autumn to its first occurrence', () => {
    // 25 October 2026: 02:00–03:00 happens twice, first in CEST.
    expect(parisDateToInstant('2026-10-25', '02:30').toISOString()).toBe('2026-10-25T00:30:00.000Z');
  });

  it('rejects malformed or impossible input', () => {
    expect(() => parisDateToInstant('2026-02-30')).toThrow(RangeError);
    expect(() => parisDateToInstant('26-02-01')).toThrow(RangeError);
    expect(() => parisDateToInstant('2026-02-01', '9h')).toThrow(RangeError);
    expect(() => parisDateToInstant('2026-02-01', '24:00')).toThrow(RangeError);
  });
});

describe('toParisDate', () => {
  it('reads the Paris calendar date near midnight UTC', () => {
    expect(toParisDate(new Date('2026-01-15T22:59:59Z'))).toBe('2026-01-15');
    expect(toParisDate(new Date('2026-01-15T23:00:00Z'))).toBe('2026-01-16');
    expect(toParisDate(new Date('2026-07-01T21:59:59Z'))).toBe('2026-07-01');
    expect(toParisDate(new Date('2026-07-01T22:00:00Z'))).toBe('2026-07-02');
    expect(toParisDate(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
  });

  it('round-trips with parisDateToInstant', () => {
    expect(toParisDate(paris('2026-03-29', '00:00'))).toBe('2026-03-29');
    expect(toParisDate(paris('2026-10-25', '23:59'))).toBe('2026-10-25');
  });
});

describe('isFrenchWorkingDay', () => {
  it.each([
    ['2026-01-01', "Jour de l'an"],
    ['2026-04-06', 'Lundi de Pâques'],
    ['2026-05-01', 'Fête du travail'],
    ['2026-05-08', 'Victoire 1945'],
    ['2026-05-14', 'Ascension'],
    ['2026-05-25', 'Lundi de Pentecôte'],
    ['2026-07-14', 'Fête nationale'],
    ['2026-11-11', 'Armistice'],
    ['2026-12-25', 'Noël'],
  ])('treats %s (%s) as a holiday', (date) => {
    expect(isFrenchWorkingDay(paris(date))).toBe(false);
  });

  it('treats weekends as non-working and ordinary weekdays as working', () => {
    expect(isFrenchWorkingDay(paris('2026-05-02'))).toBe(false); // Saturday
    expect(isFrenchWorkingDay(paris('2026-05-03'))).toBe(false); // Sunday
    expect(isFrenchWorkingDay(paris('2026-05-04'))).toBe(true); // Monday
    expect(isFrenchWorkingDay(paris('2026-04-03'))).toBe(true); // Good Friday: Alsace-Moselle only
    expect(isFrenchWorkingDay(paris('2026-12-24'))).toBe(true);
    expect(isFrenchWorkingDay(paris('2026-12-26'))).toBe(false); // Saturday anyway
  });

  it('judges the day in Paris, not in UTC', () => {
    // 22:30Z on Thursday 30 April is already 00:30 on 1 May in Paris.
    expect(isFrenchWorkingDay(new Date('2026-04-30T21:30:00Z'))).toBe(true);
    expect(isFrenchWorkingDay(new Date('2026-04-30T22:30:00Z'))).toBe(false);
  });

  it('matches what date-holidays lists as public for FR', () => {
    // Pinned so a date-holidays upgrade that changes the FR rules is noticed.
    // Pentecost Monday is typed 'public' (the "journée de solidarité" does not
    // change its legal status); Pentecost Sunday and Mother's Day are 'observance'.
    const byDate = new Map(new Holidays('FR').getHolidays(2026).map((h) => [h.date.slice(0, 10), h.type]));
    expect(byDate.get('2026-05-25')).toBe('public');
    expect(byDate.get('2026-05-24')).toBe('observance');
    expect(isFrenchWorkingDay(paris('2026-05-24'))).toBe(false); // Sunday
  });

  it('reads a holiday table equal to date-holidays for every year it knows', () => {
    // The table (domain/french-public-holidays.ts) is what the workflow reads; regenerate it with
    // scripts/generate-french-holidays.ts when this fails after a date-holidays upgrade.
    for (let year = HOLIDAY_YEARS.first; year <= HOLIDAY_YEARS.last; year++) {
      expect({ year, days: FRENCH_PUBLIC_HOLIDAYS[year] }).toEqual({ year, days: listFrenchPublicHolidays(year).join(' ') });
    }
    expect(isWorkingDate('2031-05-22')).toBe(false); // Ascension 2031 (a Thursday), from the table
    expect(() => isWorkingDate(`${HOLIDAY_YEARS.last + 1}-01-02`)).toThrow(RangeError);
  });
});

describe('addDuration', () => {
  describe('workingDays', () => {
    it('skips the weekend', () => {
      expect(addDuration(paris('2026-01-16'), 1, 'workingDays')).toEqual(paris('2026-01-19'));
      expect(addDuration(paris('2026-01-16'), 5, 'workingDays')).toEqual(paris('2026-01-23'));
      expect(addDuration(paris('2026-01-17'), 1, 'workingDays')).toEqual(paris('2026-01-19'));
    });

    it('skips 1 May and the following weekend', () => {
      expect(addDuration(paris('2026-04-30'), 1, 'workingDays')).toEqual(paris('2026-05-04'));
    });

    it('skips Easter Monday, Ascension, Pentecost Monday, 14 July and Christmas', () => {
      expect(addDuration(paris('2026-04-03'), 1, 'workingDays')).toEqual(paris('2026-04-07'));
      expect(addDuration(paris('2026-05-13'), 1, 'workingDays')).toEqual(paris('2026-05-15'));
      expect(addDuration(paris('2026-05-22'), 1, 'workingDays')).toEqual(paris('2026-05-26'));
      expect(addDuration(paris('2026-07-13'), 1, 'workingDays')).toEqual(paris('2026-07-15'));
      expect(addDuration(paris('2026-12-24'), 1, 'workingDays')).toEqual(paris('2026-12-28'));
    });

    it('counts across a year boundary', () => {
      // 31 Dec 2026 (Thu) → 1 Jan 2027 holiday → weekend → Mon 4 Jan.
      expect(addDuration(paris('2026-12-31'), 1, 'workingDays')).toEqual(paris('2027-01-04'));
    });

    it('rolls amount 0 forward only from a non-working day', () => {
      expect(addDuration(paris('2026-05-01'), 0, 'workingDays')).toEqual(paris('2026-05-04'));
      expect(addDuration(paris('2026-05-02'), 0, 'workingDays')).toEqual(paris('2026-05-04'));
      expect(addDuration(paris('2026-05-05'), 0, 'workingDays')).toEqual(paris('2026-05-05'));
    });

    it('counts backwards for a negative amount', () => {
      expect(addDuration(paris('2026-05-04'), -1, 'workingDays')).toEqual(paris('2026-04-30'));
      expect(addDuration(paris('2026-05-02'), -1, 'workingDays')).toEqual(paris('2026-04-30'));
    });

    it('keeps the Paris time of day across a DST change', () => {
      expect(addDuration(paris('2026-03-27', '14:45'), 1, 'workingDays')).toEqual(paris('2026-03-30', '14:45'));
    });

    it('rejects a fractional amount', () => {
      expect(() => addDuration(paris('2026-01-16'), 1.5, 'workingDays')).toThrow(RangeError);
    });
  });

  describe('calendarDays', () => {
    it('keeps 09:00 Paris across the 29 March 2026 spring-forward', () => {
      const result = addDuration(paris('2026-03-28'), 2, 'calendarDays');
      expect(result.toISOString()).toBe('2026-03-30T07:00:00.000Z');
      expect(result).toEqual(paris('2026-03-30'));
    });

    it('keeps 09:00 Paris across the 25 October 2026 fall-back', () => {
      expect(addDuration(paris('2026-10-24'), 1, 'calendarDays').toISOString()).toBe('2026-10-25T08:00:00.000Z');
    });

    it('counts weekends and holidays, and goes backwards', () => {
      expect(addDuration(paris('2026-04-30'), 1, 'calendarDays')).toEqual(paris('2026-05-01'));
      expect(addDuration(paris('2026-03-01'), -1, 'calendarDays')).toEqual(paris('2026-02-28'));
      expect(addDuration(paris('2026-01-31', '23:30'), 30, 'calendarDays')).toEqual(paris('2026-03-02', '23:30'));
    });

    it('keeps seconds and milliseconds', () => {
      const from = new Date('2026-03-28T08:00:12.345Z');
      expect(addDuration(from, 1, 'calendarDays').toISOString()).toBe('2026-03-29T07:00:12.345Z');
    });
  });

  describe('seconds', () => {
    it('adds elapsed time, ignoring the wall clock', () => {
      const from = new Date('2026-03-29T00:30:00Z');
      expect(addDuration(from, 3600, 'seconds').toISOString()).toBe('2026-03-29T01:30:00.000Z');
      expect(addDuration(from, 0.5, 'seconds').toISOString()).toBe('2026-03-29T00:30:00.500Z');
    });
  });

  it('rejects an invalid date or amount', () => {
    expect(() => addDuration(new Date(NaN), 1, 'seconds')).toThrow(RangeError);
    expect(() => addDuration(paris('2026-01-16'), Infinity, 'calendarDays')).toThrow(RangeError);
  });
});
