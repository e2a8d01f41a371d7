import { isFrenchWorkingDay, toParisDate } from '../../domain/calendar';
import { resolveDueInstant } from '../../domain/deadlines';
import * as engine from '../../domain/programme';
import type { Actor, ProgrammeState } from '../../domain/programme-state';
import { occurrenceDate, occurrencesThrough } from '../../domain/schedule';
import { definitionKey, occurrenceKey, templateStepKey } from '../../domain/step-row-key';
import { checkTemplateDraft } from '../../domain/template-problems';
import { previewTemplateTimeline } from '../../domain/template-preview';
import { ZRecurrence, ZTemplate, type Template, type TemplateInput } from '../../domain/template-schema';
import { DEFAULT_DUE_TIME } from '../../infra/config';
import { governanceCadenceTemplate } from '../../templates';
import { perform } from '../support/engine';
import { applyHistory } from '../../domain/backfill';

const coordinator: Actor = { userId: 'usr_coord', role: 'coordinator' };
const schedule = (r: object) => ZRecurrence.parse(r);

describe('schedule expansion (domain/schedule.ts)', () => {
  it('monthly on a day of the month, from a number of months after the start, a short month giving its last day', () => {
    const r = schedule({ every: 1, unit: 'months', dayOfMonth: 31, startAfter: 0 });
    expect(occurrencesThrough(r, '2027-01-10', '', '2027-05-31')).toEqual(['2027-01-31', '2027-02-28', '2027-03-31', '2027-04-30', '2027-05-31']);
    // A first date before the start moves one month on.
    expect(occurrenceDate(schedule({ every: 3, unit: 'months', dayOfMonth: 2 }), 1, '2027-01-10', '')).toBe('2027-02-02');
    expect(occurrencesThrough(schedule({ every: 3, unit: 'months', dayOfMonth: 2, startAfter: 2 }), '2021-01-04', '', '2021-12-31')).toEqual(['2021-03-02', '2021-06-02', '2021-09-02', '2021-12-02']);
  });

  it('weekly on a weekday, every N weeks, until a date (inclusive)', () => {
    const r = schedule({ every: 2, unit: 'weeks', weekday: 'thursday', until: '2027-02-11' });
    // 2027-01-04 is a Monday: the first Thursday on or after it, then every other week.
    expect(occurrencesThrough(r, '2027-01-04', '', '2030-01-01')).toEqual(['2027-01-07', '2027-01-21', '2027-02-04']);
    expect(occurrenceDate(r, 4, '2027-01-04', '')).toBeUndefined();
    expect(occurrencesThrough(schedule({ every: 1, unit: 'weeks', startAfter: 1 }), '2027-01-04', '', '2027-01-25')).toEqual(['2027-01-11', '2027-01-18', '2027-01-25']);
  });

  it('second-scale schedules (test templates) count from the run’s start instant', () => {
    const r = schedule({ every: 2, unit: 'seconds', startAfter: 5 });
    expect([1, 2, 3].map((n) => occurrenceDate(r, n, '2027-01-04', '2027-01-04T10:00:00.000Z'))).toEqual(['2027-01-04T10:00:05.000Z', '2027-01-04T10:00:07.000Z', '2027-01-04T10:00:09.000Z']);
  });

  it('keys each occurrence apart from its template step and from an organisation’s row', () => {
    expect(occurrenceKey('technical-committee', 7)).toBe('technical-committee~7');
    expect(definitionKey('technical-committee~7')).toBe('technical-committee');
    expect(definitionKey('training~3@org_1')).toBe('training');
    expect(templateStepKey('training~3@org_1')).toBe('training~3');
    expect(definitionKey('plain')).toBe('plain');
  });
});

describe('recurring steps: the template schema', () => {
  const base = (): TemplateInput => ({
    key: 'recurring-draft',
    version: 1,
    name: { fr: 'Modèle', en: 'Template' },
    phases: [
      {
        key: 'run',
        name: { fr: 'Suivi', en: 'Follow-up' },
        steps: [
          { key: 'monthly', name: { fr: 'Relevé mensuel', en: 'Monthly count' }, assignee: { kind: 'coordinator' }, repeat: { every: 1, unit: 'months', dayOfMonth: 5 } },
          { key: 'close', name: { fr: 'Clôture', en: 'Close' }, assignee: { kind: 'coordinator' } },
        ],
      },
    ],
  });

  it('accepts a monthly step', () => {
    expect(checkTemplateDraft(base()).problems).toEqual([]);
  });

  it('refuses a weekday on a monthly schedule, a due rule on a recurring step and a step waiting for one', () => {
    const input = base();
    const monthly = input.phases[0]!.steps[0]!;
    monthly.repeat = { every: 1, unit: 'months', weekday: 'monday' };
    monthly.due = { from: 'programmeStart', offset: { amount: 3, unit: 'calendarDays' } };
    input.phases[0]!.steps[1]!.dependsOn = ['monthly'];
    const problems = checkTemplateDraft(input).problems.map((p) => `${p.path} ${p.code}`);
    expect(problems.sort()).toEqual(['phases.0.steps.0.due recurring_step_due_rule', 'phases.0.steps.0.repeat.weekday repeat_day_mismatch', 'phases.0.steps.1.dependsOn.0 depends_on_recurring_step']);
  });
});

/** Runs a programme through the engine as the workflow would: due dates resolved like the activity, occurrences done on their due date or left late. */
function runFor(t: Template, startDate: string, until: string, completeEach: (key: string) => boolean): ProgrammeState {
  let now = new Date(`${startDate}T08:00:00Z`);
  const state = engine.createInitialState({ programmeId: 'prg_recurring', title: 'Instances', template: t, startDate }, now);
  const end = Date.parse(until);
  for (let guard = 0; guard < 10_000; guard++) {
    for (let round = 0; round < 50; round++) {
      const advanced = engine.advance(t, state, now);
      for (const key of advanced.needDueDate) {
        const base = engine.dueBase(t, state, key)!;
        engine.setDueDate(state, key, resolveDueInstant({ ...base, nonWorkingDays: t.nonWorkingDays }, DEFAULT_DUE_TIME).toISOString(), now);
      }
      if (!advanced.changed) break;
    }
    engine.markLateSteps(state, now.getTime(), true);
    const open = state.steps.filter((s) => s.status === 'active' && s.dueAt && !s.late);
    if (!open.length) break;
    const next = open.reduce((a, b) => (Date.parse(b.dueAt!) < Date.parse(a.dueAt!) ? b : a));
    if (Date.parse(next.dueAt!) > end) break;
    if (completeEach(next.key)) {
      now = new Date(Date.parse(next.dueAt!) - 3600_000);
      perform(engine.completeStep, t, state, { actor: coordinator, stepKey: next.key }, now);
    } else now = new Date(next.dueAt!);
  }
  return state;
}

describe('recurring steps: the lifecycle', () => {
  const governance = ZTemplate.parse(governanceCadenceTemplate);

  it('governance cadence: its committees for three years in one programme, each occurrence a step with its own working-day due date', () => {
    // Committees held on their date; newsletters go with a file, so one is left undone (it turns late, the series goes on).
    const state = runFor(governance, '2021-01-04', '2023-12-31T23:00:00Z', (key) => key !== 'newsletter~2');
    const byStep = (key: string) => state.steps.filter((s) => definitionKey(s.key) === key);
    const dates = (key: string) => byStep(key).map((s) => toParisDate(new Date(s.dueAt!))).filter((d) => d <= '2023-12-31');
    expect(dates('steering-committee')).toEqual(['2021-03-15', '2021-09-15', '2022-03-15', '2022-09-15', '2023-03-15', '2023-09-15']);
    // 2 June 2021, 2 December 2021 (the seed's committee)…; 2 October 2021 is a Saturday, so the committee is on Monday the 4th.
    expect(dates('technical-committee')).toEqual([
      '2021-03-02', '2021-06-02', '2021-09-02', '2021-12-02',
      '2022-03-02', '2022-06-02', '2022-09-02', '2022-12-02',
      '2023-03-02', '2023-06-02', '2023-09-04', '2023-12-04',
    ]);
    expect(dates('newsletter')).toEqual(['2021-03-01', '2021-09-01', '2022-03-01', '2022-09-01', '2023-03-01', '2023-09-01']);
    for (const s of state.steps) expect({ key: s.key, working: isFrenchWorkingDay(new Date(s.dueAt!)) }).toEqual({ key: s.key, working: true });
    expect(byStep('steering-committee').map((s) => s.key)).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => `steering-committee~${n}`));
    expect(engine.stepState(state, 'newsletter~2')).toMatchObject({ status: 'active', late: true });
    // For the programme's life: the phase stays open and the next committees are already planned.
    expect(state.status).toBe('active');
    expect(engine.phaseState(state, 'governance')!.status).toBe('active');
    expect(state.steps.filter((s) => s.status === 'active' && !s.late).map((s) => s.key).sort()).toEqual(['newsletter~7', 'steering-committee~7', 'technical-committee~13']);
  });

  it('a series with an end completes its phase once its last occurrence is done; reminders and lateness follow each occurrence', () => {
    const t = ZTemplate.parse({
      key: 'until-test',
      version: 1,
      name: { fr: 'Essai', en: 'Test' },
      phases: [
        { key: 'a', name: { fr: 'A', en: 'A' }, steps: [{ key: 'count', name: { fr: 'Relevé', en: 'Count' }, assignee: { kind: 'coordinator' }, repeat: { every: 1, unit: 'months', dayOfMonth: 10, until: '2027-03-31' } }] },
        { key: 'b', name: { fr: 'B', en: 'B' }, steps: [{ key: 'review', name: { fr: 'Bilan', en: 'Review' }, assignee: { kind: 'coordinator' } }] },
      ],
    });
    const state = runFor(t, '2027-01-04', '2028-01-01T00:00:00Z', () => true);
    expect(state.steps.map((s) => [s.key, s.status])).toEqual([
      ['review', 'active'],
      ['count~1', 'completed'],
      ['count~2', 'completed'],
      ['count~3', 'completed'],
    ]);
    expect(engine.phaseState(state, 'a')!.status).toBe('completed');
    // Each occurrence plans its own reminders, keyed by its own key.
    const fresh = engine.createInitialState({ programmeId: 'prg_r', title: 'R', template: t, startDate: '2027-01-04' }, new Date('2027-01-04T08:00:00Z'));
    engine.advance(t, fresh, new Date('2027-01-04T08:00:00Z'));
    engine.setDueDate(fresh, 'count~1', '2027-01-11T17:00:00.000Z', new Date('2027-01-04T08:00:00Z'));
    expect(engine.pendingReminders(t, fresh).map((r) => r.key.split(':').slice(1, 3).join(':'))).toContain('count~1:before-1');
  });

  it('the preview lists occurrences up to its horizon and says the series goes on', () => {
    const preview = previewTemplateTimeline(governance, '2027-01-04', {}, DEFAULT_DUE_TIME, { horizonMonths: 12 });
    expect(preview.endless).toBe(true);
    expect(preview.steps.filter((s) => s.stepKey === 'technical-committee').map((s) => [s.occurrence, toParisDate(new Date(s.dueAt!))])).toEqual([
      [1, '2027-03-02'],
      [2, '2027-06-02'],
      [3, '2027-09-02'],
      [4, '2027-12-02'],
    ]);
    expect(preview.steps.filter((s) => s.stepKey === 'steering-committee')).toHaveLength(2);
  });
});

describe('a recurring series entered with its past (history at the start)', () => {
  const governance = ZTemplate.parse(governanceCadenceTemplate);
  const enteredAt = new Date('2026-12-02T10:00:00Z');
  const fresh = () => engine.createInitialState({ programmeId: 'prg_hist', title: 'Gouvernance du Hub', template: governance, startDate: '2021-01-04' }, enteredAt);

  it('closes the occurrences scheduled before the entry day as not recorded, and goes on from the first on or after it, which gets its due date', () => {
    const state = fresh();
    const ctx = { actor: coordinator, enteredAt, today: '2026-12-02', occurrencesFromToday: true };
    const { problems, needDueDate } = applyHistory(governance, state, { facts: [] }, ctx);
    expect(problems).toEqual([]);
    for (const key of ['newsletter', 'steering-committee', 'technical-committee']) {
      const series = state.steps.filter((s) => definitionKey(s.key) === key);
      const open = series.filter((s) => s.status === 'active');
      // One occurrence open, the first on or after the entry day; every earlier one closed, none late.
      expect(open).toHaveLength(1);
      expect(open[0]!.occurrence!.on >= '2026-12-02').toBe(true);
      expect(series.filter((s) => s.status !== 'active').every((s) => s.status === 'skipped' && !s.late && s.occurrence!.on < '2026-12-02')).toBe(true);
      expect(needDueDate).toContain(open[0]!.key);
    }
    const closed = state.pendingEvents.filter((e) => e.type === 'step.not_recorded');
    expect(closed.length).toBe(state.steps.filter((s) => s.status === 'skipped').length);
    expect(closed.every((e) => e.at === enteredAt.toISOString())).toBe(true);
  });

  it('closes today\'s occurrence too when its deadline has passed at entry (runs that know their DUE_TIME)', () => {
    // The technical committee falls on 2 December 2026; entered at 19:10 Paris, after its 18:00 deadline.
    const evening = new Date('2026-12-02T18:10:00Z');
    const ctx = { actor: coordinator, enteredAt: evening, today: '2026-12-02', occurrencesFromToday: true };
    const withHour = fresh();
    applyHistory(governance, withHour, { facts: [] }, { ...ctx, dueTime: '18:00' });
    const committee = (state: typeof withHour) => state.steps.filter((s) => definitionKey(s.key) === 'technical-committee');
    expect(committee(withHour).filter((s) => s.status === 'active').map((s) => s.occurrence!.on)).toEqual(['2027-03-02']);
    expect(committee(withHour).find((s) => s.occurrence!.on === '2026-12-02')!.status).toBe('skipped');
    // Before its deadline, today's committee stays the open one.
    const morning = fresh();
    applyHistory(governance, morning, { facts: [] }, { ...ctx, enteredAt, dueTime: '18:00' });
    expect(committee(morning).filter((s) => s.status === 'active').map((s) => s.occurrence!.on)).toEqual(['2026-12-02']);
    // Without the hour (runs that ask the worker for their due dates), the rule stays by day.
    const byDay = fresh();
    applyHistory(governance, byDay, { facts: [] }, ctx);
    expect(committee(byDay).filter((s) => s.status === 'active').map((s) => s.occurrence!.on)).toEqual(['2026-12-02']);
  });

  it('leaves runs recorded before the patch as they were: the first occurrence open, no due date asked', () => {
    const state = fresh();
    const { needDueDate } = applyHistory(governance, state, { facts: [] }, { actor: coordinator, enteredAt, today: '2026-12-02' });
    expect(state.steps.filter((s) => s.occurrence).map((s) => [s.key, s.status])).toEqual([
      ['newsletter~1', 'active'],
      ['steering-committee~1', 'active'],
      ['technical-committee~1', 'active'],
    ]);
    expect(needDueDate.filter((k) => k.includes('~'))).toEqual([]);
  });
});
