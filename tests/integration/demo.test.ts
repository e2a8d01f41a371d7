import { DEMO_COORDINATOR, DEMO_TITLES, loadDemo } from '../../scripts/demo';
import { startHarness, waitFor, type Harness } from '../support/harness';
import { waitForReadModelInSync } from '../support/read-model';

/** The demo data set recreates the seed's 2021 situation through the public API. */
describe('demo data set (2021 situation from the seed)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ notifier: false });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('loads DEFI, TI action 23 and the escape-game tender as the activity report describes them, once', async () => {
    const first = await loadDemo(h.apiUrl, h.endpoints.DATABASE_URL);
    expect(first.created).toBe(true);
    const orgName = async (id: string) => (await h.prisma.organisation.findUniqueOrThrow({ where: { id } })).name;

    const defi = await waitForReadModelInSync(h, first.programmes[DEMO_TITLES.defi]!);
    expect(defi.indicators).toMatchObject({ 'partners-contacted': 40, 'partners-met': 14 });
    const test = defi.phases.find((p) => p.key === 'test')!;
    expect(test.status).toBe('active');
    expect(await Promise.all(test.enrolled.map((e) => orgName(e.organisationId)))).toEqual(['AFPA']);
    const experimentation = defi.phases.find((p) => p.key === 'experimentation')!;
    expect(await Promise.all(experimentation.enrolled.map((e) => orgName(e.organisationId)))).toEqual([
      'Réseau GRETA Bourgogne',
      'Réseau MFR Bourgogne-Franche-Comté',
      'CCI Formation 21',
      'Prom’Hôte IFITEL – Groupe Stelo formation',
    ]);
    expect(await orgName(defi.slots['digital-contractor']!)).toBe('Manzalab');
    expect(await orgName(defi.slots['theatre-contractor']!)).toBe('LAAB');
    expect(defi.children.map((c) => c.childKey)).toEqual(['tender-intellectual-property', 'tender-communication', 'tender-evaluation']);

    const ti = await waitForReadModelInSync(h, first.programmes[DEMO_TITLES.ti]!);
    expect(ti.children.map((c) => c.title)).toEqual(['Restauration hospitalière (CHU Dijon Bourgogne)', 'Agriculture']);
    const chu = await waitForReadModelInSync(h, ti.children[0]!.programmeId);
    expect(chu.indicators).toMatchObject({ interviews: 46, 'jobs-covered': 31 });
    expect(chu.phases.find((p) => p.key === 'diagnostic')!.status).toBe('active');
    expect(chu.steps.find((s) => s.key === 'problem-statement')!.status).toBe('active');
    const farming = await waitForReadModelInSync(h, ti.children[1]!.programmeId);
    expect(farming.steps.filter((s) => s.status === 'completed')).toEqual([]);

    const escape = await waitFor('the tender', () => waitForReadModelInSync(h, first.programmes[DEMO_TITLES.escape]!));
    expect(await orgName((escape.moduleState.tender as { winner: string }).winner)).toBe('Arcanium');
    expect(escape.milestones.map((m) => m.key)).toEqual(expect.arrayContaining(['consultation-sent', 'awarded', 'notify']));
    expect(escape.steps.find((s) => s.key === 'notify')!.status).toBe('completed');

    const again = await loadDemo(h.apiUrl, h.endpoints.DATABASE_URL);
    expect(again.created).toBe(false);
    const coordinator = await h.prisma.user.findUniqueOrThrow({ where: { email: DEMO_COORDINATOR } });
    expect(await h.prisma.programme.count({ where: { title: { in: Object.values(DEMO_TITLES) }, coordinatorId: coordinator.id } })).toBe(3);
  });
});
