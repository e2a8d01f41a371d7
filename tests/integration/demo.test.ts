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

  it('loads DEFI, TI action 23 and the escape-game tender at their true 2021 dates, today’s status following from them, once', async () => {
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

    // The journal tells the past from what happens now: "saisi a posteriori" by the demo coordinator.
    const coordinatorRow = await h.prisma.user.findUniqueOrThrow({ where: { email: DEMO_COORDINATOR } });
    const mobilised = await h.prisma.programmeEvent.findFirstOrThrow({ where: { programmeId: defi.programmeId, type: 'step.completed', data: { path: ['stepKey'], equals: 'partner-mobilisation' } } });
    expect([mobilised.at.toISOString().slice(0, 10), mobilised.actorId, (mobilised.data as { backfill?: { enteredBy: string } }).backfill?.enteredBy]).toEqual(['2021-06-30', coordinatorRow.id, coordinatorRow.id]);

    const again = await loadDemo(h.apiUrl, h.endpoints.DATABASE_URL);
    expect(again.created).toBe(false);
    const coordinator = await h.prisma.user.findUniqueOrThrow({ where: { email: DEMO_COORDINATOR } });
    expect(await h.prisma.programme.count({ where: { title: { in: Object.values(DEMO_TITLES) }, coordinatorId: coordinator.id } })).toBe(3);
  });
});
