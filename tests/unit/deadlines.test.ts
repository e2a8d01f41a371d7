import { ApplicationFailure } from '@temporalio/common';
import fc from 'fast-check';
import { createCalendarActivities } from '../../activities/calendar';
import { addWorkingDaysToDate, isDateInRange, isFrenchWorkingDay, isWorkingDate, parisDateToInstant, toParisDate, toParisTime, type NonWorkingDayRule } from '../../domain/calendar';
import { DueDateOutOfRange, planWorkingDayReminders, resolveDueInstant } from '../../domain/deadlines';
import { validateTemplate, ZIsoDate, ZIsoInstant, ZReminderPolicy, ZTemplate, type ReminderPolicy } from '../../domain/template-schema';
import { BUILT_IN_TEMPLATES, governanceCadenceTemplate } from '../../templates';
import { loadConfig } from '../../infra/config';
import { occurrenceDate } from '../../domain/schedule';

/** The installation's closing hour of a date-only deadline, as an installation without DUE_TIME set has it. */
const DUE_TIME = loadConfig({}).DUE_TIME;

const paris = (date: string, time = '09:00') => parisDateToInstant(date, time);

describe('one range of dates for the whole product (1990-01-01 to 2100-12-31)', () => {
  it('reads years 0–99 as themselves, not as 1900–1999 (Date.UTC quirk)', () => {
    expect(parisDateToInstant('0099-12-31', '18:00').getUTCFullYear()).toBe(99);
    expect(toParisDate(parisDateToInstant('0050-06-15', '12:00'))).toBe('0050-06-15');
    expect(() => parisDateToInstant('0099-02-29')).toThrow(RangeError);
  });

  it('accepts the bounds and refuses what lies outside, at the schema every API date uses', () => {
    for (const ok of ['1990-01-01', '2026-11-28', '2100-12-31']) expect({ ok, parsed: ZIsoDate.safeParse(ok).success }).toEqual({ ok, parsed: true });
    for (const bad of ['0099-12-31', '0050-01-01', '0000-01-01', '1989-12-31', '2101-01-01', '9999-12-31']) {
      const parsed = ZIsoDate.safeParse(bad);
      expect({ bad, parsed: parsed.success }).toEqual({ bad, parsed: false });
      expect(parsed.error?.issues[0]?.message).toBe('expected a date between 1990-01-01 and 2100-12-31');
    }
    expect(ZIsoInstant.safeParse('2026-12-14T17:00:00Z').success).toBe(true);
    expect(ZIsoInstant.safeParse('0099-12-31T17:00:00Z').success).toBe(false);
    expect(ZIsoInstant.safeParse('2101-01-01T00:00:00+01:00').success).toBe(false);
    expect(isDateInRange('2026-02-30')).toBe(false);
  });

  it('refuses a template whose due date lies outside the range', () => {
    const template = { key: 'bad-date', version: 1, name: { fr: 'x', en: 'x' }, phases: [{ key: 'p', name: { fr: 'p', en: 'p' }, steps: [{ key: 's', name: { fr: 's', en: 's' }, assignee: { kind: 'coordinator' }, due: { from: 'date', date: '0050-01-01' } }] }] };
    const result = validateTemplate(template);
    expect(result).toMatchObject({ ok: false, problems: [{ path: 'phases.0.steps.0.due.date', message: 'expected a date between 1990-01-01 and 2100-12-31' }] });
  });

  it('fails a due date computed outside the range with a typed error (never retried)', () => {
    expect(() => resolveDueInstant({ base: '0050-01-01', kind: 'date', offset: { amount: 10, unit: 'calendarDays' } }, DUE_TIME)).toThrow(DueDateOutOfRange);
    expect(() => resolveDueInstant({ base: '2100-12-01', kind: 'date', offset: { amount: 60, unit: 'calendarDays' } }, DUE_TIME)).toThrow(DueDateOutOfRange);
    expect(resolveDueInstant({ base: '2100-12-01', kind: 'date', offset: { amount: 20, unit: 'calendarDays' } }, DUE_TIME).toISOString()).toBe('2100-12-21T17:00:00.000Z');
  });

  it('makes the activity fail without retry for a start date in year 0050 (it used to retry "no such calendar date" forever)', async () => {
    const activities = createCalendarActivities();
    const failure = await activities.resolveDueDate({ base: '0050-03-01', kind: 'date', offset: { amount: 7, unit: 'calendarDays' } }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure).toMatchObject({ type: 'invalid_due_date', nonRetryable: true });
    await expect(activities.resolveDueDate({ base: '2026-03-01', kind: 'date', offset: { amount: 7, unit: 'calendarDays' }, nonWorkingDays: 'nextWorkingDay' })).resolves.toBe('2026-03-09T17:00:00.000Z');
  });
});

describe('due dates on the French working calendar', () => {
  it('closes a date-only deadline at the installation\'s DUE_TIME (18:00 unless configured)', async () => {
    expect(DUE_TIME).toBe('18:00');
    expect(loadConfig({ DUE_TIME: '17:30' }).DUE_TIME).toBe('17:30');
    expect(() => loadConfig({ DUE_TIME: '18h' })).toThrow(/DUE_TIME must be HH:mm/);
    expect(resolveDueInstant({ base: '2026-12-14', kind: 'date' }, DUE_TIME).toISOString()).toBe('2026-12-14T17:00:00.000Z');
    // Summer time: 18:00 Paris is 16:00 UTC.
    expect(resolveDueInstant({ base: '2027-06-14', kind: 'date' }, DUE_TIME).toISOString()).toBe('2027-06-14T16:00:00.000Z');
    await expect(createCalendarActivities({ dueTime: '12:00' }).resolveDueDate({ base: '2026-12-14', kind: 'date' })).resolves.toBe('2026-12-14T11:00:00.000Z');
  });

  it('puts the first "Comité technique" of a cadence started Monday 2027-03-01 on Monday 2027-05-03, not Sunday 2027-05-02', () => {
    // Version 3 (issue 19): the committee recurs on the 2nd of every third month, from two months after the start.
    const template = ZTemplate.parse(governanceCadenceTemplate);
    expect(template.nonWorkingDays).toBe('nextWorkingDay');
    const step = template.phases.flatMap((p) => p.steps).find((s) => s.name.fr === 'Comité technique')!;
    expect(step.repeat).toEqual({ every: 3, unit: 'months', dayOfMonth: 2, startAfter: 2 });
    const first = occurrenceDate(step.repeat!, 1, '2027-03-01', '2027-03-01T08:00:00.000Z')!;
    expect(first).toBe('2027-05-02');
    const due = resolveDueInstant({ base: first, kind: 'date', nonWorkingDays: template.nonWorkingDays }, DUE_TIME);
    expect(toParisDate(due)).toBe('2027-05-03');
    expect(toParisTime(due)).toBe('18:00');
    // Without the rule (templates published before it): the Sunday itself.
    expect(toParisDate(resolveDueInstant({ base: first, kind: 'date' }, DUE_TIME))).toBe('2027-05-02');
  });

  it('moves a holiday due date forwards, backwards or not at all, as the template says', () => {
    // Whit Monday 2027 is 17 May; Friday 14 May and Tuesday 18 May are working days.
    const at = (rule: NonWorkingDayRule) => toParisDate(resolveDueInstant({ base: '2027-05-17', kind: 'date', nonWorkingDays: rule }, DUE_TIME));
    expect(isWorkingDate('2027-05-17')).toBe(false);
    expect(at('nextWorkingDay')).toBe('2027-05-18');
    expect(at('previousWorkingDay')).toBe('2027-05-14');
    expect(at('none')).toBe('2027-05-17');
  });

  it('never moves a second-scale due date (tests and demos)', () => {
    const base = '2027-05-15T10:00:00.000Z';
    expect(resolveDueInstant({ base, kind: 'instant', offset: { amount: 30, unit: 'seconds' }, nonWorkingDays: 'nextWorkingDay' }, DUE_TIME).toISOString()).toBe('2027-05-15T10:00:30.000Z');
  });

  it('every built-in template moves weekend and holiday due dates to the next working day', () => {
    for (const t of BUILT_IN_TEMPLATES) expect({ key: t.key, rule: ZTemplate.parse(t).nonWorkingDays }).toEqual({ key: t.key, rule: 'nextWorkingDay' });
  });
});

describe('reminders on working days at the reminder hour', () => {
  const policy = (p: Partial<ReminderPolicy>) => ZReminderPolicy.parse(p);
  const plan = (dueAt: Date, p: Partial<ReminderPolicy>, hour = '09:00') =>
    planWorkingDayReminders({ programmeId: 'prg', stepKey: 'step', dueAt: dueAt.toISOString(), policy: policy(p), hour }).map((r) => ({ kind: r.kind, at: `${toParisDate(new Date(r.at))} ${toParisTime(new Date(r.at))}` }));

  it('sends "due today" on the morning of the due date, not at the deadline', () => {
    expect(plan(paris('2026-12-14', '18:00'), { beforeDue: [], overdueEvery: null })).toEqual([{ kind: 'due_today', at: '2026-12-14 09:00' }]);
  });

  it('skips Whit Monday 2027 and weekends for before-due, overdue and escalation', () => {
    // Due Tuesday 18 May 2027: one working day before is Friday 14 May (Monday 17 is Whit Monday).
    expect(plan(paris('2027-05-18', '18:00'), { beforeDue: [1], overdueEvery: null })).toEqual([
      { kind: 'reminder_before_due', at: '2027-05-14 09:00' },
      { kind: 'due_today', at: '2027-05-18 09:00' },
    ]);
    // Due Friday 14 May: the first overdue working morning is Tuesday 18 May; escalation with the second.
    const overdue = plan(paris('2027-05-14', '18:00'), { beforeDue: [], onDue: false, overdueEvery: 1, escalateAfter: 2 }).slice(0, 4);
    expect(overdue).toEqual([
      { kind: 'overdue', at: '2027-05-18 09:00' },
      { kind: 'overdue', at: '2027-05-19 09:00' },
      { kind: 'escalation', at: '2027-05-19 09:00' },
      { kind: 'overdue', at: '2027-05-20 09:00' },
    ]);
  });

  it('uses the configured hour', () => {
    expect(plan(paris('2026-12-14', '18:00'), { beforeDue: [2], overdueEvery: null }, '08:30')).toEqual([
      { kind: 'reminder_before_due', at: '2026-12-10 08:30' },
      { kind: 'due_today', at: '2026-12-14 08:30' },
    ]);
  });

  it('tells "due today" the working morning before a deadline that closes before the reminder hour', () => {
    expect(plan(paris('2026-12-14', '08:00'), { beforeDue: [], overdueEvery: null })).toEqual([{ kind: 'due_today', at: '2026-12-11 09:00' }]);
  });
});

/**
 * Properties over random start dates (2025–2030) and random templates: no due date and no
 * reminder on a weekend or a French public holiday unless the template says 'none', every
 * reminder before its deadline, every overdue reminder and escalation after it.
 */
describe('date rules, property-based', () => {
  const day = fc.integer({ min: Date.UTC(2025, 0, 1), max: Date.UTC(2030, 11, 31) }).map((ms) => new Date(ms).toISOString().slice(0, 10));
  const rule = fc.constantFrom<NonWorkingDayRule>('nextWorkingDay', 'previousWorkingDay', 'none');
  const offset = fc.record({ amount: fc.integer({ min: 0, max: 400 }), unit: fc.constantFrom('calendarDays' as const, 'workingDays' as const) });
  const time = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 45)).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
  const reminderPolicy = fc.record({
    unit: fc.constant('days' as const),
    beforeDue: fc.uniqueArray(fc.integer({ min: 1, max: 15 }), { maxLength: 4 }),
    onDue: fc.boolean(),
    overdueEvery: fc.option(fc.integer({ min: 1, max: 7 }), { nil: null }),
    escalateAfter: fc.option(fc.integer({ min: 1, max: 5 }), { nil: null }),
  });
  const dueRule = fc.oneof(
    fc.record({ kind: fc.constant('date' as const), base: day, offset: fc.option(offset, { nil: undefined }) }),
    fc.record({ kind: fc.constant('instant' as const), base: fc.tuple(day, time).map(([d, t]) => parisDateToInstant(d, t).toISOString()), offset: fc.option(offset, { nil: undefined }) }),
  );

  it('no due date on a weekend or holiday unless the template says none', () => {
    fc.assert(
      fc.property(dueRule, rule, (due, nonWorkingDays) => {
        const at = resolveDueInstant({ ...due, nonWorkingDays }, DUE_TIME);
        if (nonWorkingDays !== 'none') expect({ due, nonWorkingDays, at: toParisDate(at), working: isFrenchWorkingDay(at) }).toMatchObject({ working: true });
        if (due.offset?.unit === 'workingDays' && due.offset.amount > 0) expect(isFrenchWorkingDay(at)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('every reminder on a working day at the hour; before-due and due-today before the deadline; overdue and escalation after it', () => {
    fc.assert(
      fc.property(dueRule, rule, reminderPolicy, fc.constantFrom('08:00', '09:00', '10:30'), (due, nonWorkingDays, policy, hour) => {
        const dueAt = resolveDueInstant({ ...due, nonWorkingDays }, DUE_TIME);
        const reminders = planWorkingDayReminders({ programmeId: 'prg', stepKey: 's', dueAt: dueAt.toISOString(), policy, hour });
        for (const r of reminders) {
          const at = new Date(r.at);
          const seen = { kind: r.kind, dueAt: dueAt.toISOString(), at: at.toISOString() };
          expect({ ...seen, working: isFrenchWorkingDay(at), hour: toParisTime(at) }).toEqual({ ...seen, working: true, hour });
          if (r.kind === 'reminder_before_due' || r.kind === 'due_today') expect({ ...seen, before: r.at < dueAt.getTime() }).toEqual({ ...seen, before: true });
          else expect({ ...seen, after: r.at > dueAt.getTime() }).toEqual({ ...seen, after: true });
        }
        const count = policy.beforeDue.length + (policy.onDue ? 1 : 0) + (policy.overdueEvery ? 10 + (policy.escalateAfter && policy.escalateAfter <= 10 ? 1 : 0) : 0);
        expect(reminders).toHaveLength(count);
      }),
      { numRuns: 300 },
    );
  });

  it('adding working days always lands on a working day', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: 1, max: 60 }), fc.boolean(), (d, n, back) => {
        expect(isWorkingDate(addWorkingDaysToDate(d, back ? -n : n))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
