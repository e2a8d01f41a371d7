import type { Browser } from 'playwright-core';
import type { TemplateInput } from '../../domain/template-schema';
import { launchChromium, openPage, signIn, type WatchedPage, closeBrowserSuite } from '../support/browser';
import { apiClient, createUser, publishTemplates, startHarness, waitFor, type Harness, type TestUser } from '../support/harness';

/** One coordinator step that takes a file. */
function oneStepTemplate(key: string): TemplateInput {
  return {
    key,
    version: 1,
    name: { fr: 'Double clic', en: 'Double click' },
    phases: [
      {
        key: 'only',
        name: { fr: 'Unique', en: 'Only' },
        steps: [
          {
            key: 'report',
            name: { fr: 'Compte rendu', en: 'Minutes' },
            assignee: { kind: 'coordinator' },
            due: { from: 'programmeStart', offset: { amount: 10, unit: 'calendarDays' } },
            deliverables: [{ kind: 'minutes', label: { fr: 'Compte rendu', en: 'Minutes' }, min: 1, acceptance: false }],
          },
        ],
      },
    ],
  } as TemplateInput;
}

/**
 * Double-clicking a write button applies it once: the button is disabled while its request is in
 * flight, a second submission meanwhile is ignored, and a retry of the same submission carries the
 * same Idempotency-Key (the server answers it once).
 */
describe('double submissions in the web UI (Chromium)', () => {
  let h: Harness;
  let browser: Browser;
  let coordinator: TestUser;
  let w: WatchedPage;
  const templateKey = `double-${Date.now()}`;
  const title = `Double clic ${Date.now()}`;

  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    browser = await launchChromium();
    await publishTemplates(h.prisma, [oneStepTemplate(templateKey)]);
    coordinator = await createUser(h, 'coordinator');
    w = await openPage(browser, h.apiUrl);
  });
  afterAll(() => closeBrowserSuite({ page: w, browser, services: h }));

  it('double-clicking "Démarrer" starts one programme and "Envoyer" adds one deliverable', async () => {
    const writes: string[] = [];
    w.page.on('request', (req) => {
      if (req.method() !== 'GET') writes.push(`${req.method()} ${new URL(req.url()).pathname} ${req.headers()['idempotency-key'] ?? '(no key)'}`);
    });
    await signIn(w.page, coordinator.email, coordinator.password);
    await w.page.goto(`/programmes/nouveau?modele=${templateKey}`);
    await w.page.getByLabel('Intitulé du programme').fill(title);
    await w.page.getByRole('button', { name: 'Démarrer' }).dblclick();
    await w.page.waitForURL(/\/programmes\/prg_/);
    const programmeId = decodeURIComponent(new URL(w.page.url()).pathname.split('/').pop()!);
    await new Promise((r) => setTimeout(r, 500));
    expect(await h.prisma.programme.count({ where: { title } })).toBe(1);

    await w.page.goto(`/programmes/${encodeURIComponent(programmeId)}/etapes/report`);
    await w.page.getByRole('heading', { level: 1, name: 'Compte rendu' }).waitFor();
    await w.page.getByLabel('Déposer un livrable').setInputFiles({ name: 'compte-rendu.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n') });
    await w.page.getByLabel('Titre du livrable').fill('Compte rendu du comité');
    await w.page.getByRole('button', { name: 'Envoyer' }).dblclick();
    await w.page.getByRole('status').filter({ hasText: 'Livrable « Compte rendu du comité » déposé.' }).waitFor();
    await new Promise((r) => setTimeout(r, 500));
    const view = await apiClient(h.apiUrl).get(`/api/v1/programmes/${programmeId}`, coordinator.token);
    const step = view.body.phases[0].steps.find((s: { key: string }) => s.key === 'report');
    expect(step.deliverables.map((d: { title: string }) => d.title)).toEqual(['Compte rendu du comité']);

    // Every write the page sent carried a key; none was sent twice with two keys.
    const starts = writes.filter((x) => x.startsWith('POST /api/v1/programmes '));
    const uploads = writes.filter((x) => x.includes('/deliverables '));
    expect(new Set(starts).size).toBe(1);
    expect(new Set(uploads).size).toBe(1);
    expect(writes.filter((x) => x.endsWith('(no key)') && !x.startsWith('POST /api/v1/auth/login'))).toEqual([]);
    expect(w.problems).toEqual([]);
  });

  it('sends pause with a key, and two clicks in the same instant pause once', async () => {
    const res = await apiClient(h.apiUrl).post('/api/v1/programmes', { templateKey, title: `${title} (pause)`, startDate: '2026-12-01' }, coordinator.token);
    const id: string = res.body.id;
    const keys: (string | undefined)[] = [];
    w.page.on('request', (req) => {
      if (req.method() === 'POST' && req.url().endsWith('/pause')) keys.push(req.headers()['idempotency-key']);
    });
    await w.page.goto(`/programmes/${encodeURIComponent(id)}`);
    const pause = w.page.getByRole('button', { name: 'Mettre en pause' });
    await pause.waitFor();
    // Two clicks dispatched in one task: React has not re-rendered the button as disabled in between.
    await pause.evaluate((button) => {
      (button as unknown as { click(): void }).click();
      (button as unknown as { click(): void }).click();
    });
    await waitFor('the programme paused', async () => (await h.prisma.programme.findUnique({ where: { id } }))?.status === 'paused');
    await new Promise((r) => setTimeout(r, 500));
    expect(keys.length).toBe(1);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    const events = await h.prisma.programmeEvent.count({ where: { programmeId: id, type: 'programme.paused' } });
    expect(events).toBe(1);
  });

  it('offers a calendar feed link to copy and regenerate, which opens the feed without a session', async () => {
    await w.page.goto('/preferences');
    const card = w.page.getByTestId('calendar-feed');
    await card.getByRole('button', { name: 'S’abonner au calendrier' }).click();
    const url = await card.getByTestId('calendar-feed-url').inputValue();
    expect(url).toMatch(/\/api\/v1\/calendar\.ics\?token=cal_/);
    const feedPath = new URL(url).pathname + new URL(url).search;
    const feed = await fetch(`${h.apiUrl}${feedPath}`);
    expect(feed.status).toBe(200);
    expect((await feed.text()).startsWith('BEGIN:VCALENDAR')).toBe(true);
    await card.getByRole('button', { name: 'Copier le lien' }).waitFor();
    await card.getByRole('button', { name: 'Régénérer le lien' }).click();
    await waitFor('a new link', async () => (await card.getByTestId('calendar-feed-url').inputValue()) !== url);
    expect((await fetch(`${h.apiUrl}${feedPath}`)).status).toBe(401);
    expect(w.problems).toEqual([]);
  });
});
