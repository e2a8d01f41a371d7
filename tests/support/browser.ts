import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (installed by `node scripts/bootstrap.mjs --with-browser`); never a downloaded browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const LAPTOP = { width: 1366, height: 900 };
export const PHONE = { width: 390, height: 844 };

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Offline, root, no GPU: the flags this machine needs, and no background calls home.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export interface WatchedPage {
  page: Page;
  context: BrowserContext;
  /** Console errors, uncaught exceptions and 5xx answers seen by this page. */
  problems: string[];
}

/** A fresh browser profile (no shared cookies) in French, watched for errors. */
export async function openPage(browser: Browser, baseURL: string, viewport = LAPTOP, locale = 'fr-FR'): Promise<WatchedPage> {
  const context = await browser.newContext({ baseURL, viewport, locale, timezoneId: 'Europe/Paris', acceptDownloads: true });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  page.on('response', (res) => {
    if (res.status() >= 500) problems.push(`${res.status()} ${res.request().method()} ${res.url()}`);
  });
  return { page, context, problems };
}

/** Closes what a browser suite opened (its page, Chromium, its services), skipping what never opened. */
export async function closeBrowserSuite(opened: { page?: WatchedPage; browser?: Browser; services?: { stop(): Promise<void> } }): Promise<void> {
  await opened.page?.context.close().catch(() => undefined);
  await opened.browser?.close();
  await opened.services?.stop();
}

export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/connexion');
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe').fill(password);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/connexion'));
}

/** axe-core's serious and critical findings on the current page (contrast, labels, roles, names). */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  // Runs in the page; the test code is compiled without DOM types, hence the narrow casts.
  const violations = await page.evaluate(async () => {
    const page = globalThis as unknown as { document: unknown; axe: { run: (ctx: unknown, opts: object) => Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] }> } };
    const result = await page.axe.run(page.document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.targets.join(', ')}`);
}

/** True when the page is wider than its viewport (content cut off on a phone). */
export function overflowsHorizontally(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const page = globalThis as unknown as { innerWidth: number; document: { documentElement: { scrollWidth: number } } };
    return page.document.documentElement.scrollWidth > page.innerWidth + 1;
  });
}
