import type { Browser, Page } from 'playwright-core';
import { DEMO_COORDINATOR, DEMO_MANAGER, DEMO_PASSWORD, DEMO_TITLES, loadDemo } from '../../scripts/demo';
import { BUILT_IN_TEMPLATES } from '../../templates';
import { launchChromium, openPage, signIn, type WatchedPage } from '../support/browser';
import { apiClient, createUser, startHarness, type Harness, type TestUser } from '../support/harness';

/**
 * Every page each role can reach, walked in French on the demo data set (DEFI with its tenders,
 * TI action 23 with its sectors, the awarded escape-game tender): the visible text must hold no
 * catalogue key, no internal code (template keys, roles, milestones, journal types, deliverable
 * kinds, ids, ISO dates) and no English word. Each leak is reported as "role path: word".
 */
const DEMO_PARTNER = 'afpa@demo.jalons.local';

/** Codes the templates and the engine use; a French reader sees their names, never these. */
const CODES = [
  ...BUILT_IN_TEMPLATES.map((t) => t.key),
  ...new Set(BUILT_IN_TEMPLATES.flatMap((t) => t.phases.flatMap((p) => p.steps.flatMap((s) => [s.key, ...(s.assignee.kind === 'slot' ? [s.assignee.slot] : []), ...(s.deliverables ?? []).map((d) => d.kind)])))),
  ...BUILT_IN_TEMPLATES.flatMap((t) => [...t.phases.map((p) => p.key), ...(t.dateParams ?? []), ...(t.children ?? []).map((c) => c.key), ...(t.indicators ?? []).map((i) => i.key)]),
  'winner', 'awarded', 'assessed', 'consultation-sent', 'eachPartner', 'slot', 'coordinator', 'unassigned',
];
/** Codes that are also French words a sentence may hold in lower case. */
const FRENCH_WORDS = new Set(['session', 'consultation', 'notification', 'test', 'diagnostic', 'adaptation', 'information', 'newsletter', 'interviews']);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const CODE_PATTERN = new RegExp(`(?<![\\p{L}\\d’'-])(${[...new Set(CODES)].filter((c) => c.length > 2 && !FRENCH_WORDS.has(c)).sort((a, b) => b.length - a.length).map(escape).join('|')})(?![\\p{L}\\d’'-])`, 'u');
/** English words of the interface (none of them is French). */
const ENGLISH = /\b(the|and|with|from|this|that|Loading|Error|Submit|Cancel|Save|Delete|Edit|Search|Required|Invalid|Unknown|Step|Steps|Template|Templates|Deadline|Due|Late|Progress|Status|Owner|Tender|Assessment|Deliverables?|Partner|Settings|Sign|Start|Report|Organisation|Dashboard|Milestone|Phase \d)\b/;
/** Catalogue keys (app.title), journal types (deliverable.accepted), ids, ISO dates, JavaScript's placeholders. */
const TECHNICAL = /\b(?:[a-z]+(?:[A-Z][a-z]+)*\.[a-z]+(?:[A-Z][a-z]+)*(?:\.[a-z]+)*)\b|\b(?:prg|org|usr|dlv)_[0-9a-f]|\b\d{4}-\d{2}-\d{2}(?:T|\b)|\b(?:undefined|null|NaN|Invalid Date|\[object Object\])\b|\{\{/;

/** The visible text, without what people typed themselves as addresses (e-mail, links, file names). */
async function visibleText(page: Page): Promise<string> {
  const text = await page.evaluate(() => (globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText);
  return text
    .replace(/\S+@\S+/g, ' ')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/\S+\.(?:pdf|docx?|xlsx?|odt|ods|csv|zip|png|jpe?g|pptx?)\b/gi, ' ');
}

export function findLeak(text: string): string | undefined {
  for (const pattern of [TECHNICAL, CODE_PATTERN, ENGLISH]) {
    const found = pattern.exec(text);
    if (found) return `${found[0]} (…${text.slice(Math.max(0, found.index - 40), found.index + found[0].length + 40).replace(/\s+/g, ' ')}…)`;
  }
  return undefined;
}

describe('every page, every role: French only, no code (Chromium, demo data)', () => {
  let h: Harness;
  let browser: Browser;
  let admin: TestUser;
  const programmes: { id: string; title: string; steps: string[] }[] = [];
  const opened: WatchedPage[] = [];

  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    const demo = await loadDemo(h.apiUrl, h.endpoints.DATABASE_URL);
    expect(Object.keys(demo.programmes)).toEqual(expect.arrayContaining(Object.values(DEMO_TITLES)));
    admin = await createUser(h, 'admin');
    // Every programme of the demo, sub-programmes included, with its steps.
    const api = apiClient(h.apiUrl);
    const ids: string[] = [];
    for (let cursor: string | null = null, page = 0; page < 20; page += 1) {
      const res = await api.get(`/api/v1/programmes?limit=200${cursor ? `&cursor=${cursor}` : ''}`, admin.token);
      ids.push(...(res.body.items as { id: string }[]).map((p) => p.id));
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    const demoIds = new Set(Object.values(demo.programmes));
    for (const id of ids) {
      const view = (await api.get(`/api/v1/programmes/${id}`, admin.token)).body as { id: string; title: string; parentId: string | null; phases: { steps: { key: string }[] }[] };
      if (!demoIds.has(id) && !(view.parentId && demoIds.has(view.parentId))) continue;
      programmes.push({ id, title: view.title, steps: view.phases.flatMap((p) => p.steps.map((s) => s.key)) });
    }
    browser = await launchChromium();
  });
  afterAll(async () => {
    for (const o of opened) await o.context.close().catch(() => undefined);
    await browser?.close();
    await h?.stop();
  });

  async function walk(role: string, email: string, password: string, paths: string[]): Promise<string[]> {
    const w = await openPage(browser, h.apiUrl);
    opened.push(w);
    await signIn(w.page, email, password);
    const leaks: string[] = [];
    for (const path of paths) {
      await w.page.goto(path);
      await w.page.getByRole('heading', { level: 1 }).first().waitFor();
      await w.page.waitForLoadState('networkidle');
      await w.page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
      const leak = findLeak(await visibleText(w.page));
      if (leak) leaks.push(`${role} ${path}: ${leak}`);
    }
    expect(w.problems).toEqual([]);
    return leaks;
  }

  const templatePages = (steward: boolean) => [
    '/modeles',
    ...BUILT_IN_TEMPLATES.flatMap((t) => [`/modeles/${t.key}`, `/modeles/${t.key}/versions`, ...(steward ? [`/modeles/${t.key}/copier`, `/modeles/${t.key}/modifier`, `/programmes/nouveau?modele=${t.key}`] : [])]),
    ...(steward ? ['/modeles/nouveau', '/programmes/nouveau'] : []),
  ];
  const programmePages = (opts: { report: boolean; import: boolean; steps: boolean }) =>
    programmes.flatMap((p) => [
      `/programmes/${p.id}`,
      ...(opts.report ? [`/programmes/${p.id}/bilan`] : []),
      ...(opts.import ? [`/programmes/${p.id}/import`] : []),
      ...(opts.steps ? p.steps.map((s) => `/programmes/${p.id}/etapes/${s}`) : []),
    ]);

  it('coordinator', async () => {
    const paths = ['/taches', '/programmes', '/tableau-de-bord', '/preferences', ...templatePages(true), ...programmePages({ report: true, import: true, steps: true })];
    expect(await walk('coordinator', DEMO_COORDINATOR, DEMO_PASSWORD, paths)).toEqual([]);
  });

  it('manager (funders’ follow-up)', async () => {
    const paths = ['/tableau-de-bord', '/programmes', '/taches', '/preferences', ...templatePages(false), ...programmePages({ report: true, import: false, steps: true })];
    expect(await walk('manager', DEMO_MANAGER, DEMO_PASSWORD, paths)).toEqual([]);
  });

  it('admin', async () => {
    const paths = ['/tableau-de-bord', '/programmes', '/taches', '/preferences', ...templatePages(true), ...programmePages({ report: true, import: true, steps: false })];
    expect(await walk('admin', admin.email, admin.password, paths)).toEqual([]);
  });

  it('partner', async () => {
    const api = apiClient(h.apiUrl);
    const login = await api.post('/api/v1/auth/login', { email: DEMO_PARTNER, password: DEMO_PASSWORD });
    const token = login.body.token as string;
    const mine = (await api.get('/api/v1/programmes?limit=200', token)).body.items as { id: string }[];
    const paths = ['/taches', '/programmes', '/preferences', '/modeles', ...mine.flatMap((p) => {
      const steps = programmes.find((q) => q.id === p.id)?.steps ?? [];
      return [`/programmes/${p.id}`, ...steps.map((s) => `/programmes/${p.id}/etapes/${s}`)];
    })];
    expect(mine.length).toBeGreaterThan(0);
    expect(await walk('partner', DEMO_PARTNER, DEMO_PASSWORD, paths)).toEqual([]);
  });

  it('the leak finder finds what it must and lets French through', () => {
    for (const leak of ['Rôle : winner', 'deliverable.accepted', 'dashboard.title', 'Progress: 0%', 'Date « answers-deadline »', 'le 2026-11-30', 'prg_0123abcd', 'Modèle defi', 'undefined']) expect(findLeak(leak)).toBeDefined();
    for (const fine of ['Prestataire retenu', 'Offre déposée le 14 décembre 2026, 18 h 00', 'Phase Test', 'Compagnie Théâtre LAAB', 'Consultation envoyée', 'la consultation et la session de test']) expect({ fine, leak: findLeak(fine) }).toEqual({ fine, leak: undefined });
  });
});
