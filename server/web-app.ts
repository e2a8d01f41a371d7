import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';

/** Where `vite build` (run by scripts/bootstrap.mjs) puts the web UI. */
export const WEB_DIST_DIR = path.resolve(__dirname, '../web/dist');

const NOT_BUILT_PAGE = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Jalons</title></head>
<body><h1>Jalons</h1><p>L’interface web n’est pas construite : lancez <code>npm run build:web</code> (ou <code>npm start</code>, qui le fait).</p>
<p>The web UI is not built: run <code>npm run build:web</code>. The API is at <a href="/api/v1/docs">/api/v1/docs</a>.</p></body></html>`;

/**
 * Serves the single-page UI: hashed assets cached for a year, and index.html (never cached) for
 * every other GET that asks for HTML outside /api, so deep links (/programmes/…, /invitations/…)
 * from e-mails open the right screen.
 */
/**
 * A request for a file (a missing asset, a favicon) rather than a UI path: a sub-programme's id
 * holds a dot (prg_….sector-1, prg_….tender-evaluation), and its page must still load on a reload.
 */
const FILE_EXTENSIONS = /\.(?:js|mjs|css|map|json|txt|xml|html?|ico|png|jpe?g|gif|svg|webp|avif|woff2?|ttf|otf|webmanifest|pdf|zip|csv|xlsx|php|aspx?|env)$/i;
function looksLikeFile(urlPath: string): boolean {
  return FILE_EXTENSIONS.test(urlPath);
}

export function mountWebApp(app: Express, distDir = WEB_DIST_DIR): void {
  const indexPath = path.join(distDir, 'index.html');
  app.use('/assets', express.static(path.join(distDir, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: false }));
  // Re-read when the build changes (a rebuild while the server runs renames every asset).
  let cached: { mtimeMs: number; html: string } | undefined;
  const currentIndex = (): string => {
    try {
      const { mtimeMs } = statSync(indexPath);
      if (cached?.mtimeMs !== mtimeMs) cached = { mtimeMs, html: readFileSync(indexPath, 'utf8') };
      return cached.html;
    } catch {
      return NOT_BUILT_PAGE;
    }
  };
  app.use((req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path.startsWith('/api/') || req.path === '/metrics' || req.path === '/healthz') return next();
    // Browsers navigating send text/html: every UI path (deep links) gets the page. A client that
    // accepts anything (curl, link checkers) gets it at the root only; elsewhere an unknown path
    // is still a 404 problem for API clients.
    const accept = req.get('Accept') ?? '*/*';
    const wantsPage = accept.includes('text/html') ? !looksLikeFile(req.path) : accept.includes('*/*') && req.path === '/';
    if (!wantsPage) return next();
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(currentIndex());
  });
}
