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
/** A role's walk: dozens of pages on a shared machine. */
const WALK_MS = 600_000;

/** Codes the templates and the engine use; a French reader sees their names, never these. */
const CODES = [
  ...BUILT_IN_TEMPLATES.map((t) => t.key),
  ...new Set(BUILT_IN_TEMPLATES.flatMap((t) => t.phases.flatMap((p) => p.steps.flatMap((s) => [s.key, ...(s.assignee.kind === 'slot' ? [s.assignee.slot] : []), ...(s.deliverables ?? []).map((d) => d.kind)])))),
  ...BUILT_IN_TEMPLATES.flatMap((t) => [...t.phases.map((p) => p.key), ...(t.dateParams ?? []), ...(t.children ?? []).map((c) => c.key), ...(t.indicators ?? []).map((i) => i.key)]),
  'winner', 'awarded', 'assessed', 'consultation-sent', 'eachPartner', 'slot', 'coordinator', 'unassigned',
];
/** Codes that are also French words a sentence may hold in lower case. */
const FRENCH_WORDS = new Set(['session', 'consultation', 'notification', 'test', 'diagnostic', 'adaptation', 'information', 'newsletter', 'interviews', 'organisation']);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const CODE_PATTERN = new RegExp(`(?<![\\p{L}\\d’'-])(${[...new Set(CODES)].filter((c) => c.length > 2 && !FRENCH_WORDS.has(c)).sort((a, b) => b.length - a.length).map(escape).join('|')})(?![\\p{L}\\d’'-])`, 'u');
/** English words of the interface (none of them is French). */
const ENGLISH = /\b(the|and|with|from|this|that|Loading|Error|Submit|Cancel|Save|Delete|Edit|Search|Required|Invalid|Unknown|Step|Steps|Template|Templates|Deadline|Due|Late|Progress|Status|Owner|Tender|Assessment|Deliverables?|Partner|Settings|Sign|Start|Report|Dashboard|Milestone)\b/;
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
  const programmes: { id: string; templateKey: string; steps: string[] }[] = [];
  const opened: WatchedPage[] = [];

  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    const demo = await loadDemo(h.apiUrl, h.endpoints.DATABASE_URL);
    expect(Object.keys(demo.programmes)).toEqual(expect.arrayContaining(Object.values(DEMO_TITLES)));
    admin = await createUser(h, 'admin');
    // Every programme of the demo, sub-programmes included, with its steps.
    const api = apiClient(h.apiUrl);
    const listed: { id: string; templateKey: string; parentId: string | null }[] = [];
    for (let cursor: string | null = null, page = 0; page < 20; page += 1) {
      const res: { body: { items: { id: string; templateKey: string; parentId: string | null }[]; nextCursor: string | null } } = await api.get(`/api/v1/programmes?limit=200${cursor ? `&cursor=${cursor}` : ''}`, admin.token);
      listed.push(...res.body.items);
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    // The demo's programmes and sub-programmes: every programme page; the step pages of one programme per template.
    const demoIds = new Set(Object.values(demo.programmes));
    const withSteps = new Set<string>();
    for (const p of listed.filter((q) => demoIds.has(q.id) || (q.parentId && demoIds.has(q.parentId)))) {
      const view = (await api.get(`/api/v1/programmes/${p.id}`, admin.token)).body as { phases: { steps: { key: string; status: string }[] }[] };
      const first = !withSteps.has(p.templateKey);
      withSteps.add(p.templateKey);
      programmes.push({ id: p.id, templateKey: p.templateKey, steps: first ? view.phases.flatMap((ph) => ph.steps.map((s) => s.key)) : [] });
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
      const heading = await w.page.getByRole('heading', { level: 1 }).first().waitFor({ timeout: 15_000 }).then(() => true, () => false);
      await w.page.waitForLoadState('networkidle').catch(() => undefined);
      await w.page.locator('[aria-busy="true"]').first().waitFor({ state: 'detached', timeout: 5_000 }).catch(() => undefined);
      const leak = findLeak(await visibleText(w.page));
      if (!heading) leaks.push(`${role} ${path}: no page heading`);
      if (leak) leaks.push(`${role} ${path}: ${leak}`);
    }
    if (leaks.length) process.stdout.write(`${leaks.join('\n')}\n`);
    return [...leaks, ...w.problems.map((p) => `${role}: ${p}`)];
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
  }, WALK_MS);

  it('manager (funders’ follow-up)', async () => {
    const paths = ['/tableau-de-bord', '/programmes', '/taches', '/preferences', ...templatePages(false), ...programmePages({ report: true, import: false, steps: true })];
    expect(await walk('manager', DEMO_MANAGER, DEMO_PASSWORD, paths)).toEqual([]);
  }, WALK_MS);

  it('admin', async () => {
    const paths = ['/tableau-de-bord', '/programmes', '/taches', '/preferences', ...templatePages(true), ...programmePages({ report: true, import: true, steps: false })];
    expect(await walk('admin', admin.email, admin.password, paths)).toEqual([]);
  }, WALK_MS);

  it('partner', async () => {
    const api = apiClient(h.apiUrl);
    const login = await api.post('/api/v1/auth/login', { email: DEMO_PARTNER, password: DEMO_PASSWORD });
    const token = login.body.token as string;
    const mine = (await api.get('/api/v1/programmes?limit=200', token)).body.items as { id: string }[];
    // Its programmes, and the steps it sees there (its own and the shared ones).
    const paths = ['/taches', '/programmes', '/preferences', '/modeles'];
    for (const p of mine) {
      const view = (await api.get(`/api/v1/programmes/${p.id}`, token)).body as { phases: { steps: { key: string }[] }[] };
      paths.push(`/programmes/${p.id}`, ...view.phases.flatMap((ph) => ph.steps.map((st) => `/programmes/${p.id}/etapes/${st.key}`)));
    }
    expect(mine.length).toBeGreaterThan(0);
    expect(await walk('partner', DEMO_PARTNER, DEMO_PASSWORD, paths)).toEqual([]);
  }, WALK_MS);

  it('the leak finder finds what it must and lets French through', () => {
    for (const leak of ['Rôle : winner', 'deliverable.accepted', 'dashboard.title', 'Progress: 0%', 'Date « answers-deadline »', 'le 2026-11-30', 'prg_0123abcd', 'Modèle defi', 'undefined']) expect(findLeak(leak)).toBeDefined();
    for (const fine of ['Prestataire retenu', 'Offre déposée le 14 décembre 2026, 18 h 00', 'Phase Test', 'Compagnie Théâtre LAAB', 'Consultation envoyée', 'la consultation et la session de test']) expect({ fine, leak: findLeak(fine) }).toEqual({ fine, leak: undefined });
  });
});
