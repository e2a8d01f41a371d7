import { buildFundersReport, periodBounds, type ReportProgramme } from '../../domain/funders-report';
import { formatFrenchDate, formatFrenchDateTime, formatFrenchMonth, parisDaysBetween } from '../../domain/french-dates';
import type { AuditEvent, ProgrammeState } from '../../domain/programme-state';
import { validateTemplate, type Template } from '../../domain/template-schema';
import type { Viewer } from '../../domain/visibility';
import { defiTemplate, tenderTemplate } from '../../templates';
import { createInitialState } from '../../domain/programme';

function template(input: unknown): Template {
  const result = validateTemplate(input);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.template;
}

describe('French dates in Paris', () => {
  it('writes days, first days, times and months as the agency does', () => {
    expect(formatFrenchDate('2026-12-14')).toBe('14 décembre 2026');
    expect(formatFrenchDate('2021-06-01')).toBe('1er juin 2021');
    expect(formatFrenchDateTime('2026-12-14T17:00:00Z')).toBe('14 décembre 2026, 18 h 00');
    expect(formatFrenchDateTime('2021-07-01T06:05:00Z')).toBe('1er juillet 2021, 08 h 05');
    // 23:30 UTC on 11 November is already 12 November in Paris.
    expect(formatFrenchDate('2021-11-11T23:30:00Z')).toBe('12 novembre 2021');
    expect(formatFrenchMonth('2021-03')).toBe('mars 2021');
  });

  it('counts whole Paris days, across the change to summer time', () => {
    expect(parisDaysBetween('2021-03-27T22:30:00Z', '2021-03-28T21:30:00Z')).toBe(1);
    expect(parisDaysBetween('2021-03-27T22:30:00Z', '2021-03-28T22:30:00Z')).toBe(2);
    expect(parisDaysBetween('2021-07-03', '2021-12-31')).toBe(181);
    expect(parisDaysBetween('2021-12-31', '2021-07-03')).toBe(-181);
  });

  it('bounds a period by Paris midnights, both days included', () => {
    const { start, end } = periodBounds({ from: '2021-01-01', to: '2021-12-31' });
    expect([start.toISOString(), end.toISOString()]).toEqual(['2020-12-31T23:00:00.000Z', '2021-12-31T23:00:00.000Z']);
    const summer = periodBounds({ from: '2021-06-01', to: '2021-06-30' });
    expect([summer.start.toISOString(), summer.end.toISOString()]).toEqual(['2021-05-31T22:00:00.000Z', '2021-06-30T22:00:00.000Z']);
  });
});

describe("DEFI's 2021 report, built from a state at its true dates", () => {
  const defi = template(defiTemplate);
  const tender = template(tenderTemplate);
  const team: Viewer = { userId: 'usr_coord', role: 'coordinator', organisationId: null, onTeam: true };
  const manager: Viewer = { userId: 'usr_manager', role: 'manager', organisationId: null, onTeam: false };
  const names = {
    organisations: new Map([
      ['org_afpa', 'AFPA'],
      ['org_didaction', 'DIDACTION'],
      ['org_b', 'Cabinet B'],
      ['org_c', 'Cabinet C'],
    ]),
    users: new Map([['usr_coord', 'Claire Martin']]),
  };

  function defiState(): ProgrammeState {
    const s = createInitialState({ programmeId: 'prg_defi', title: 'DEFI', template: defi, startDate: '2021-01-04', coordinatorId: 'usr_coord' }, new Date('2021-01-04T08:00:00Z'));
    const step = (key: string) => s.steps.find((x) => x.key === key)!;
    Object.assign(step('partner-mobilisation'), { status: 'completed', dueAt: '2021-07-03T07:00:00Z', activatedAt: '2021-01-04T08:00:00Z', completedAt: '2021-09-14T13:00:00Z', completedBy: 'usr_coord' });
    Object.assign(step('partner-allocation'), { status: 'completed', dueAt: '2021-10-14T07:00:00Z', completedAt: '2021-10-01T09:00:00Z', completedBy: 'usr_coord' });
    Object.assign(step('framing-intellectual-property'), { status: 'active', dueAt: '2021-08-02T07:00:00Z' });
    s.phases.find((p) => p.key === 'test')!.enrolled.push({ organisationId: 'org_afpa', at: '2021-09-20T08:00:00Z' });
    s.milestones.push({ key: 'partner-allocation', at: '2021-10-01T09:00:00Z' });
    return s;
  }

  function tenderState(): ProgrammeState {
    const s = createInitialState({ programmeId: 'prg_defi.tender-evaluation', title: 'Consultation évaluation continue', template: tender, startDate: '2021-01-04', parentId: 'prg_defi', dates: { 'answers-deadline': '2021-10-15' } }, new Date('2021-01-04T08:00:00Z'));
    const step = (key: string) => s.steps.find((x) => x.key === key)!;
    s.phases.find((p) => p.key === 'consultation')!.enrolled.push({ organisationId: 'org_didaction', at: '2021-09-01T08:00:00Z' }, { organisationId: 'org_b', at: '2021-09-01T08:00:00Z' }, { organisationId: 'org_c', at: '2021-09-01T08:00:00Z' });
    Object.assign(step('write-specification'), { status: 'completed', completedAt: '2021-08-30T10:00:00Z' });
    Object.assign(step('answers'), {
      status: 'completed',
      dueAt: '2021-10-15T16:00:00Z',
      completedAt: '2021-10-16T08:00:00Z',
      deliverables: [
        { id: 'dlv_1', kind: 'bid', title: 'Offre DIDACTION', organisationId: 'org_didaction', addedBy: 'u', addedAt: '2021-10-12T10:00:00Z', status: 'submitted' },
        { id: 'dlv_2', kind: 'bid', title: 'Offre B', organisationId: 'org_b', addedBy: 'u', addedAt: '2021-10-15T17:30:00Z', status: 'submitted' },
      ],
    });
    Object.assign(step('assessment'), { status: 'completed', completedAt: '2021-11-05T10:00:00Z', data: { scores: { org_didaction: { price: 14, technical: 17 }, org_b: { price: 16, technical: 12 } } } });
    Object.assign(step('award'), { status: 'completed', completedAt: '2021-11-12T10:00:00Z' });
    Object.assign(step('notify'), { status: 'completed', completedAt: '2021-11-16T10:00:00Z' });
    s.moduleState.tender = { consulted: ['org_didaction', 'org_b', 'org_c'], ranking: [{ organisationId: 'org_didaction', score: 15.8 }, { organisationId: 'org_b', score: 13.6 }], winner: 'org_didaction' };
    s.milestones.push({ key: 'consultation-sent', at: '2021-09-01T09:00:00Z' }, { key: 'assessed', at: '2021-11-05T10:00:00Z' }, { key: 'awarded', at: '2021-11-12T10:00:00Z' });
    return s;
  }

  const indicatorEvents: AuditEvent[] = [
    { seq: 1, type: 'indicator.recorded', at: '2021-03-15T10:00:00Z', data: { key: 'partners-contacted', from: 0, to: 25 } },
    { seq: 2, type: 'indicator.recorded', at: '2021-06-30T22:30:00Z', data: { key: 'partners-contacted', from: 25, to: 40 } },
    { seq: 3, type: 'indicator.recorded', at: '2021-06-10T10:00:00Z', data: { key: 'partners-met', from: 0, to: 14 } },
    // Recorded in 2022: outside the 2021 report.
    { seq: 4, type: 'indicator.recorded', at: '2022-02-01T10:00:00Z', data: { key: 'partners-met', from: 14, to: 16 } },
  ];

  function report(viewer: Viewer, period = { from: '2021-01-01', to: '2021-12-31' }) {
    const programme: ReportProgramme = { template: defi, state: defiState(), viewer, events: indicatorEvents };
    const child: ReportProgramme = { template: tender, state: tenderState(), viewer, events: [] };
    return buildFundersReport({ agencyName: "Creativ'", period, now: new Date('2026-12-01T10:00:00Z'), programme, children: [child], names });
  }

  it('counts indicators at the end of the period, month by month and quarter by quarter', () => {
    const r = report(team);
    const contacted = r.indicators.find((i) => i.key === 'partners-contacted')!;
    expect([contacted.target, contacted.valueAtEnd, contacted.change, contacted.rate]).toEqual([40, 40, 40, 100]);
    // 30 June 22:30 UTC is already 1 July in Paris.
    expect(contacted.byMonth.filter((m) => m.change !== 0)).toEqual([
      { month: '2021-03', change: 25, valueAtEnd: 25 },
      { month: '2021-07', change: 15, valueAtEnd: 40 },
    ]);
    expect(contacted.byQuarter).toEqual([
      { quarter: 'T1 2021', change: 25, valueAtEnd: 25 },
      { quarter: 'T2 2021', change: 0, valueAtEnd: 25 },
      { quarter: 'T3 2021', change: 15, valueAtEnd: 40 },
      { quarter: 'T4 2021', change: 0, valueAtEnd: 40 },
    ]);
    const met = r.indicators.find((i) => i.key === 'partners-met')!;
    expect([met.valueAtEnd, met.rate]).toEqual([14, 100]);
    expect(report(team, { from: '2022-01-01', to: '2022-12-31' }).indicators.find((i) => i.key === 'partners-met')).toMatchObject({ valueAtEnd: 16, change: 2 });
  });

  it('lists actions, milestones and late steps with their delays at the end of the period', () => {
    const r = report(team);
    expect(r.actions.map((a) => [a.step, a.completedAt, a.by])).toEqual([
      ['Mobilisation des partenaires', '2021-09-14T13:00:00Z', 'Claire Martin'],
      ['Répartition des organismes de formation par phase', '2021-10-01T09:00:00Z', 'Claire Martin'],
    ]);
    expect(r.milestones.map((m) => [m.name, m.reachedAt, m.stateLabel])).toEqual([
      ['Répartition des organismes de formation par phase', '2021-10-01T09:00:00Z', 'Atteint'],
      ['Marché attribué — Consultation évaluation continue', '2021-11-12T10:00:00Z', 'Atteint'],
    ]);
    expect(r.lateSteps.map((s) => [s.step, s.daysLate, s.stateLabel])).toEqual([
      // Due 2 August 2021, still open on 31 December 2021.
      ['Cadrage de la propriété intellectuelle', 151, 'Toujours ouverte'],
      // Due 3 July 2021, done 14 September 2021.
      ['Mobilisation des partenaires', 73, 'Réalisée en retard'],
    ]);
    expect(r.enrolments.find((e) => e.phase === 'Phase Test')).toEqual({ phase: 'Phase Test', capacity: { min: 1, max: 1 }, organisations: [{ name: 'AFPA', enrolledAt: '2021-09-20T08:00:00Z', slot: null, role: null }] });
  });

  it('gives the tender’s compliance record: a late answer, the scores per criterion, the winner and the dates', () => {
    const [t] = report(team).tenders;
    expect(t).toMatchObject({
      title: 'Consultation évaluation continue',
      sealed: false,
      providers: ['DIDACTION', 'Cabinet B', 'Cabinet C'],
      answersDeadline: '2021-10-15T16:00:00Z',
      answers: [
        { organisation: 'DIDACTION', receivedAt: '2021-10-12T10:00:00Z', onTime: true },
        { organisation: 'Cabinet B', receivedAt: '2021-10-15T17:30:00Z', onTime: false },
      ],
      scores: [
        { organisation: 'DIDACTION', rank: 1, byCriterion: { price: 14, technical: 17 }, total: 15.8 },
        { organisation: 'Cabinet B', rank: 2, byCriterion: { price: 16, technical: 12 }, total: 13.6 },
      ],
      winner: 'DIDACTION',
      specificationAt: '2021-08-30T10:00:00Z',
      consultationSentAt: '2021-09-01T09:00:00Z',
      awardedAt: '2021-11-12T10:00:00Z',
      notifiedAt: '2021-11-16T10:00:00Z',
      compliance: ['3 prestataires consultés (minimum 3)', '1 réponse hors délai', 'chaque offre notée sur chaque critère', 'titulaire classé premier', 'candidats notifiés'],
    });
  });

  it('shows a manager an awarded tender in full, and a sealed one without bidders, answers or scores', () => {
    expect(report(manager).tenders[0]!.winner).toBe('DIDACTION');
    const sealedChild = tenderState();
    delete (sealedChild.moduleState.tender as { winner?: string }).winner;
    const r = buildFundersReport({
      agencyName: "Creativ'",
      period: { from: '2021-01-01', to: '2021-12-31' },
      now: new Date('2026-12-01T10:00:00Z'),
      programme: { template: defi, state: defiState(), viewer: manager, events: [] },
      children: [{ template: tender, state: sealedChild, viewer: manager, events: [] }],
      names,
    });
    expect(r.tenders[0]).toMatchObject({ sealed: true, providers: null, answers: null, scores: null, winner: null });
    expect(JSON.stringify(r)).not.toContain('Cabinet B');
  });
});
