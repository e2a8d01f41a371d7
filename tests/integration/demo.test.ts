import { DEMO_COORDINATOR, DEMO_TITLES, loadDemo } from '../../scripts/demo';
import { toParisDate } from '../../domain/calendar';
import { startHarness, waitFor, type Harness } from '../support/harness';
import { waitForReadModelInSync } from '../support/read-model';

/** The demo data set recreates the seed's 2021 situation at its true dates through the public API (issue 20). */
describe('demo data set (2021 situation from the seed)', () => {
  let h: Harness;
  // A database of its own: test files share one, and another file (the browser walk through every
  // page) loads the demo too; in the shared one, jest's order decides whether this first load creates.
  beforeAll(async () => {
    h = await startHarness({ notifier: false, ownDatabase: true });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('loads DEFI, TI action 23, the escape-game tender, DAQ 2.0, RESPONSE, the health-industries hub, the reception points, the hub’s call-for-projects answer, La Voie des Talents, the CMQ’s label renewal and the cleaning-sector group at their true dates, today’s status following from them, once', async () => {
    const first = await loadDemo(h.apiUrl, h.endpoints.DATABASE_URL);
    expect(first.created).toBe(true);
    const orgName = async (id: string) => (await h.prisma.organisation.findUniqueOrThrow({ where: { id } })).name;
    const day = (iso: string | undefined) => (iso ? toParisDate(new Date(iso)) : undefined);

    // DEFI: started on 4 January 2021, Test done with AFPA, Expérimentation open with its five organisations since December 2021.
    const defi = await waitFor('DEFI’s evaluator, from its tender', async () => {
      const s = await waitForReadModelInSync(h, first.programmes[DEMO_TITLES.defi]!);
      return s.slots.evaluator ? s : undefined;
    });
    expect(defi.startDate).toBe('2021-01-04');
    expect(defi.indicators).toMatchObject({ 'partners-contacted': 40, 'partners-met': 14 });
    const phase = (key: string) => defi.phases.find((p) => p.key === key)!;
    expect(['launch', 'test', 'experimentation', 'deployment', 'evaluation'].map((k) => [k, phase(k).status, day(phase(k).openedAt)])).toEqual([
      ['launch', 'completed', '2021-01-04'],
      ['test', 'completed', '2021-10-04'],
      ['experimentation', 'active', '2021-12-20'],
      ['deployment', 'pending', undefined],
      ['evaluation', 'pending', undefined],
    ]);
    expect(await Promise.all(phase('test').enrolled.map((e) => orgName(e.organisationId)))).toEqual(['AFPA']);
    expect(await Promise.all(phase('experimentation').enrolled.map((e) => orgName(e.organisationId)))).toEqual([
      'AFPA',
      'Réseau GRETA Bourgogne',
      'Réseau MFR Bourgogne-Franche-Comté',
      'CCI Formation 21',
      'Prom’Hôte IFITEL – Groupe Stelo formation',
    ]);
    expect(phase('deployment').enrolled).toHaveLength(7);
    expect(day(defi.steps.find((s) => s.key === 'bricks-run-test')!.completedAt)).toBe('2021-12-10');
    // Today: Expérimentation's steps, due in early 2022, late by the time elapsed since.
    const open = defi.steps.filter((s) => s.status === 'active');
    expect(open.map((s) => [s.key, s.late, day(s.dueAt)!.slice(0, 4)])).toEqual([
      ['trainers-training-experimentation', true, '2022'],
      ['bricks-co-construction-experimentation', true, '2022'],
      ['digital-tools-delivery', true, '2022'],
    ]);
    expect(await orgName(defi.slots['digital-contractor']!)).toBe('Manzalab');
    expect(await orgName(defi.slots['theatre-contractor']!)).toBe('LAAB');
    expect(await orgName(defi.slots.evaluator!)).toBe('DIDACTION');
    expect(defi.children.map((c) => c.childKey)).toEqual(['tender-intellectual-property', 'tender-communication', 'tender-evaluation']);
    const tenders = await Promise.all(defi.children.map((c) => waitForReadModelInSync(h, c.programmeId)));
    expect(await Promise.all(tenders.map(async (t) => [await orgName((t.moduleState.tender as { winner: string }).winner), day(t.milestones.find((m) => m.key === 'awarded')!.at), t.status]))).toEqual([
      ['In concreto', '2021-06-01', 'completed'],
      ['CinqAvril', '2021-06-07', 'completed'],
      ['DIDACTION', '2021-11-12', 'active'],
    ]);
    expect(tenders[2]!.steps.filter((s) => s.status === 'active').map((s) => s.key)).toEqual(['kick-off']);

    // TI action 23: started on 1 January 2021, launched on 27 April; two sectors opened in 2021.
    const ti = await waitForReadModelInSync(h, first.programmes[DEMO_TITLES.ti]!);
    expect(day(ti.milestones.find((m) => m.key === 'steering-committee-year-1')!.at)).toBe('2021-04-27');
    expect(ti.children.map((c) => c.title)).toEqual(['Restauration hospitalière (CHU Dijon Bourgogne)', 'Agriculture']);
    const chu = await waitForReadModelInSync(h, ti.children[0]!.programmeId);
    expect(chu.indicators).toMatchObject({ interviews: 46, 'jobs-covered': 31 });
    expect(chu.phases.find((p) => p.key === 'diagnostic')!.status).toBe('active');
    expect(chu.steps.find((s) => s.key === 'problem-statement')!.status).toBe('active');
    const farming = await waitForReadModelInSync(h, ti.children[1]!.programmeId);
    expect([farming.startDate, farming.indicators]).toEqual(['2021-07-01', { interviews: 33, 'jobs-covered': 28 }]);
    expect(farming.steps.filter((s) => s.status === 'completed').map((s) => [s.key, day(s.completedAt)])).toEqual([
      ['literature-watch', '2021-10-31'],
      ['ecosystem-map', '2021-10-31'],
    ]);
    expect(farming.steps.find((s) => s.key === 'exploratory-interviews')!.status).toBe('active');

    // The escape-game tender: Arcanium chosen in July 2021, kick-off on 26 August, the nine boxes still to deliver.
    const escape = await waitForReadModelInSync(h, first.programmes[DEMO_TITLES.escape]!);
    expect(await orgName((escape.moduleState.tender as { winner: string }).winner)).toBe('Arcanium');
    expect(escape.milestones.map((m) => m.key)).toEqual(expect.arrayContaining(['consultation-sent', 'awarded', 'notify']));
    expect(day(escape.steps.find((s) => s.key === 'kick-off')!.completedAt)).toBe('2021-08-26');
    expect(escape.steps.find((s) => s.key === 'deliverables')!.status).toBe('active');

    // DAQ 2.0: the first half of 2021 getting to know the scheme, then the actions per site; what the seed puts in 2022 still open.
    const daq = await waitForReadModelInSync(h, first.programmes[DEMO_TITLES.daq]!);
    expect([daq.startDate, daq.indicators]).toEqual(['2021-01-04', { 'company-meetings': 60, 'shared-offers': 57, 'company-visits': 1, 'discovery-days': 0 }]);
    expect(daq.phases.map((p) => [p.key, p.status, day(p.openedAt)])).toEqual([
      ['scheme-appropriation', 'completed', '2021-01-04'],
      ['site-actions', 'active', '2021-06-30'],
      ['jobs-forum', 'pending', undefined],
      ['review', 'pending', undefined],
    ]);
    expect(daq.steps.filter((s) => s.status === 'active').map((s) => [s.key, s.late])).toEqual([
      ['job-analysis', true],
      ['discovery-days', true],
    ]);

    // RESPONSE: the working group from May 2021, the action plan, a first works site with social clauses.
    const response = await waitForReadModelInSync(h, first.programmes[DEMO_TITLES.response]!);
    expect(response.indicators).toMatchObject({ 'presentation-professionals': 10, 'clause-works-sites': 1 });
    expect(response.phases.map((p) => [p.key, p.status])).toEqual([
      ['working-group', 'completed'],
      ['action-plan', 'completed'],
      ['promotion-actions', 'active'],
      ['review', 'pending'],
    ]);
    expect(day(response.steps.find((s) => s.key === 'social-clauses')!.completedAt)).toBe('2021-12-31');
    expect(response.steps.find((s) => s.key === 'clause-support')!.status).toBe('active');

    // The health-industries hub: its counts, its two tenders' winners in the contractors' roles, committees open since March 2021.
    const hub = await waitFor('the hub’s contractors, from its tenders', async () => {
      const s = await waitForReadModelInSync(h, first.programmes[DEMO_TITLES.healthHub]!);
      return s.slots['escape-game-contractor'] && s.slots['website-contractor'] ? s : undefined;
    });
    expect(hub.indicators).toEqual({ 'launch-participants': 30, 'companies-surveyed': 16, 'pilot-companies': 5 });
    expect([await orgName(hub.slots['escape-game-contractor']!), await orgName(hub.slots['website-contractor']!)]).toEqual(['Arcanium', 'Nel Graphisme']);
    expect(hub.children.map((c) => c.childKey)).toEqual(['tender-escape-game', 'tender-website']);
    expect(hub.phases.map((p) => [p.key, p.status])).toEqual([
      ['founding', 'completed'],
      ['action-plan', 'active'],
    ]);
    expect(day(hub.steps.find((s) => s.key === 'experiment-restitution')!.completedAt)).toBe('2021-12-14');
    expect(hub.steps.filter((s) => s.status === 'active' && !s.key.includes('~')).map((s) => s.key)).toEqual(['escape-game-delivery', 'website-online']);
    // The committees since 2021 were not entered: closed as not recorded, each series open at its first occurrence from today, with its due date.
    const today = toParisDate(new Date());
    for (const series of ['steering-committee', 'technical-committee']) {
      const occurrences = hub.steps.filter((s) => s.key.startsWith(`${series}~`));
      const open = occurrences.filter((s) => s.status === 'active');
      expect(open).toHaveLength(1);
      expect([open[0]!.occurrence!.on >= today, open[0]!.dueAt !== undefined, open[0]!.late]).toEqual([true, true, false]);
      // Closed as not recorded: every earlier occurrence, and today's once its deadline has passed (a demo loaded in the evening).
      expect(occurrences.filter((s) => s.status !== 'active').every((s) => s.status === 'skipped' && s.occurrence!.on <= today)).toBe(true);
    }

    // The reception points: March to June 2021 per site, as the seed's tables give them (January and February lost in the fire).
    const reception = await waitForReadModelInSync(h, first.programmes[DEMO_TITLES.receptionPoints]!);
    expect(reception.indicators).toEqual({ 'in-person-interviews': 1369 + 1351, 'phone-interviews': 379 + 613 });
    const grésilles = reception.indicatorEntries!['in-person-interviews']!.filter((e) => e.dimensions?.site === 'gresilles');
    expect(grésilles.map((e) => [e.period, e.value, e.at.slice(0, 10)])).toEqual([
      ['2021-03', 312, '2021-04-05'],
      ['2021-04', 283, '2021-05-05'],
      ['2021-05', 297, '2021-06-07'],
      ['2021-06', 477, '2021-07-05'],
    ]);
    expect(await orgName(reception.slots['reception-operator']!)).toBe('APSALC');

    // The hub's call-for-projects answer: retained (the debrief skipped), the kick-off with all the partners on 24 November 2021.
    const call = await waitForReadModelInSync(h, first.programmes[DEMO_TITLES.callForProjects]!);
    expect(call.steps.find((s) => s.key === 'funder-answer')).toMatchObject({ status: 'completed', outcome: 'retained' });
    expect(call.steps.find((s) => s.key === 'debrief')!.status).toBe('skipped');
    expect(call.phases.map((p) => [p.key, p.status])).toEqual([
      ['applying', 'completed'],
      ['decision', 'completed'],
      ['launch', 'active'],
      ['delivery', 'pending'],
    ]);
    expect(day(call.milestones.find((m) => m.key === 'kick-off')!.at)).toBe('2021-11-24');
    expect(call.steps.filter((s) => s.status === 'active').map((s) => [s.key, s.late])).toEqual([['funding-agreement', true]]);

    // La Voie des Talents: held on 11 and 12 October 2021, the seed's counts; the swarming kit still to write.
    const talents = await waitForReadModelInSync(h, first.programmes[DEMO_TITLES.tradesEvent]!);
    expect(talents.indicators).toEqual({
      registrations: 912,
      visitors: 900,
      speakers: 90,
      advisers: 50,
      'offers-collected': 134,
      'offering-organisations': 46,
      'offers-space-visitors': 463,
      'offer-applications': 164,
    });
    expect(talents.phases.map((p) => [p.key, p.status])).toEqual([
      ['preparation', 'completed'],
      ['registrations', 'completed'],
      ['event', 'completed'],
      ['post-event-offers', 'completed'],
      ['review', 'active'],
    ]);
    expect(day(talents.steps.find((s) => s.key === 'event-held')!.completedAt)).toBe('2021-10-12');
    expect(talents.steps.filter((s) => s.status === 'active').map((s) => s.key)).toEqual(['swarming-kit']);

    // The CMQ's label renewal: the 11 criteria, the label order of 27 July 2021; the yearly self-evaluation open at its first.
    const cmq = await waitForReadModelInSync(h, first.programmes[DEMO_TITLES.labelRenewal]!);
    expect([cmq.startDate, cmq.indicators]).toEqual(['2020-09-01', { 'criteria-met': 11 }]);
    expect(cmq.phases.map((p) => [p.key, p.status])).toEqual([
      ['strategy', 'completed'],
      ['renewal-application', 'completed'],
      ['label-decision', 'completed'],
      ['label-life', 'active'],
    ]);
    expect(day(cmq.steps.find((s) => s.key === 'label-order')!.completedAt)).toBe('2021-07-27');
    // The yearly self-evaluations before today were not entered: the open one is the first from today.
    const evaluations = cmq.steps.filter((s) => s.key.startsWith('self-evaluation~'));
    expect(evaluations.filter((s) => s.status === 'active').map((s) => s.occurrence!.on >= today)).toEqual([true]);

    // The cleaning-sector group: its four meetings at their seed dates, the 1 July event with about 80 participants, the review done.
    const cleaning = await waitForReadModelInSync(h, first.programmes[DEMO_TITLES.cleaningGroup]!);
    expect(cleaning.indicators).toEqual({ 'event-participants': 80, 'charter-signatories': 0 });
    expect([1, 2, 3, 4].map((n) => day(cleaning.steps.find((s) => s.key === `preparatory-meeting-${n}`)!.completedAt))).toEqual(['2021-01-13', '2021-03-15', '2021-05-10', '2021-06-03']);
    expect(day(cleaning.milestones.find((m) => m.key === 'half-day-event')!.at)).toBe('2021-07-01');
    expect(cleaning.phases.map((p) => [p.key, p.status])).toEqual([
      ['design', 'completed'],
      ['event', 'completed'],
      ['review', 'active'],
    ]);
    expect(cleaning.steps.filter((s) => s.status === 'active').map((s) => [s.key, s.late])).toEqual([['stock-taking-meeting', true]]);

    // The journal tells the past from what happens now: "saisi a posteriori" by the demo coordinator.
    const coordinatorRow = await h.prisma.user.findUniqueOrThrow({ where: { email: DEMO_COORDINATOR } });
    const mobilised = await h.prisma.programmeEvent.findFirstOrThrow({ where: { programmeId: defi.programmeId, type: 'step.completed', data: { path: ['stepKey'], equals: 'partner-mobilisation' } } });
    expect([mobilised.at.toISOString().slice(0, 10), mobilised.actorId, (mobilised.data as { backfill?: { enteredBy: string } }).backfill?.enteredBy]).toEqual(['2021-06-30', coordinatorRow.id, coordinatorRow.id]);

    const again = await loadDemo(h.apiUrl, h.endpoints.DATABASE_URL);
    expect(again.created).toBe(false);
    const coordinator = await h.prisma.user.findUniqueOrThrow({ where: { email: DEMO_COORDINATOR } });
    expect(await h.prisma.programme.count({ where: { title: { in: Object.values(DEMO_TITLES) }, coordinatorId: coordinator.id } })).toBe(11);

    // A data set loaded before a programme joined the demo (here: the hub, renamed away) gains only that one.
    await h.prisma.programme.update({ where: { id: first.programmes[DEMO_TITLES.healthHub]! }, data: { title: 'Hub (ancien jeu de démonstration)' } });
    const upgraded = await loadDemo(h.apiUrl, h.endpoints.DATABASE_URL);
    expect(upgraded.created).toBe(true);
    expect(Object.values(DEMO_TITLES).filter((t) => t !== DEMO_TITLES.healthHub).map((t) => upgraded.programmes[t])).toEqual(Object.values(DEMO_TITLES).filter((t) => t !== DEMO_TITLES.healthHub).map((t) => first.programmes[t]));
    expect(upgraded.programmes[DEMO_TITLES.healthHub]).not.toBe(first.programmes[DEMO_TITLES.healthHub]);
    expect(await h.prisma.programme.count({ where: { title: { in: Object.values(DEMO_TITLES) }, coordinatorId: coordinator.id } })).toBe(11); // ten kept and the new hub
  });
});
