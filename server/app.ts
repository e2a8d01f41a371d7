import { randomUUID } from 'node:crypto';
import cookieParser from 'cookie-parser';
import express, { type NextFunction, type Request, type Response } from 'express';
import helmet from 'helmet';
import { pinoHttp } from 'pino-http';
import type { AppContext } from './context';
import { AppError, toProblem } from './errors';
import { buildOpenApi, mountMethodNotAllowed, mountRoute, type RouteDefinition } from './http';
import { createIdempotencyStore } from './idempotency';
import { createMetrics } from './metrics';
import { accountRoutes } from './routes/accounts';
import { calendarRoutes } from './routes/calendar';
import { dashboardRoutes } from './routes/dashboard';
import { exportRoutes } from './routes/exports';
import { notificationRoutes } from './routes/notifications';
import { importRoutes } from './routes/import';
import { programmeRoutes } from './routes/programmes';
import { reportRoutes } from './routes/report';
import { systemRoutes } from './routes/system';
import { taskRoutes } from './routes/tasks';
import { teamRoutes } from './routes/team';
import { templateRoutes } from './routes/templates';
import { upgradeRoutes } from './routes/upgrades';
import { mountWebApp } from './web-app';

export const JSON_BODY_LIMIT = '256kb';

/** The API's identity in its OpenAPI document (served, and read by the web client's type generator). */
export const API_INFO = { title: 'Jalons API', version: '1.0.0' };

export function collectRoutes(ctx: AppContext): RouteDefinition<any, any, any>[] {
  return [...systemRoutes(ctx), ...accountRoutes(ctx), ...templateRoutes(ctx), ...programmeRoutes(ctx), ...reportRoutes(ctx), ...importRoutes(ctx), ...teamRoutes(ctx), ...taskRoutes(ctx), ...dashboardRoutes(ctx), ...exportRoutes(ctx), ...calendarRoutes(ctx), ...notificationRoutes(ctx), ...upgradeRoutes(ctx)];
}

export function createApp(ctx: AppContext): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  const metrics = createMetrics();
  app.use(metrics.middleware);
  app.use((req, res, next) => {
    const incoming = req.get('X-Request-Id');
    const id = incoming && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
    (req as Request & { id: string }).id = id;
    res.setHeader('X-Request-Id', id);
    next();
  });
  app.use(
    pinoHttp({
      logger: ctx.logger,
      genReqId: (req) => (req as unknown as { id: string }).id,
      autoLogging: { ignore: (req) => req.url === '/healthz' || req.url === '/metrics' },
      // One short line per request (method, path, status, ms); headers stay out of the logs.
      customSuccessMessage: (req, res, ms) => `${req.method} ${requestPath(req.url)} ${res.statusCode} ${Math.round(ms)} ms`,
      customErrorMessage: (req, res) => `${req.method} ${requestPath(req.url)} ${res.statusCode} failed`,
      customAttributeKeys: { responseTime: 'ms' },
      serializers: {
        // Calendar feeds carry a session token in the query string: it must never reach the logs.
        req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url.replace(/([?&]token=)[^&]*/g, '$1[redacted]') }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(helmet({ contentSecurityPolicy: { directives: { 'script-src': ["'self'", "'unsafe-inline'"] } } }));
  app.use(cookieParser());
  app.use(express.json({ limit: JSON_BODY_LIMIT, strict: true, type: ['application/json', 'application/*+json'] }));

  const routes = collectRoutes(ctx);
  const router = express.Router();
  const mountOptions = { authenticate: (req: Request) => ctx.auth.authenticate(req), idempotency: createIdempotencyStore(ctx.prisma, ctx.redis), checkResponses: ctx.config.NODE_ENV === 'test' };
  // First: an undeclared method on a known path is a 405 before any route with a parameter can claim it.
  mountMethodNotAllowed(router, [...routes, { method: 'get', path: '/api/v1/openapi.json' }, { method: 'get', path: '/api/v1/docs' }]);
  for (const route of routes) mountRoute(router, route, mountOptions);
  const openapi = buildOpenApi(routes, API_INFO);
  router.get('/api/v1/openapi.json', (_req, res) => res.json(openapi));
  router.get('/api/v1/docs', (_req, res) => res.type('html').send(renderReferencePage(openapi)));
  app.use(router);
  app.get('/metrics', metrics.handler);
  mountWebApp(app);

  app.use((req: Request, _res: Response, next: NextFunction) => next(new AppError('not_found', `No route for ${req.method} ${req.path}.`)));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const requestId = (req as Request & { id?: string }).id ?? randomUUID();
    const appError = asAppError(err);
    if (!appError) {
      // Unknown failure: log everything with the request id, answer nothing internal.
      req.log?.error({ err, requestId }, 'unhandled error');
      res.status(500).type('application/problem+json').json(toProblem(new AppError('internal', 'Something went wrong on our side. Quote the request id when reporting it.'), requestId));
      return;
    }
    if (appError.retryAfterSeconds) res.setHeader('Retry-After', String(appError.retryAfterSeconds));
    res.status(appError.status).type('application/problem+json').json(toProblem(appError, requestId));
  });
  return app;
}

function asAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  const e = err as { type?: string; status?: number; expose?: boolean };
  // Errors raised by express.json(): malformed JSON, body too large, unsupported charset.
  if (e?.type === 'entity.parse.failed') return new AppError('bad_request', 'The body is not valid JSON.', undefined, undefined, { reason: 'json_body_malformed' });
  if (e?.type === 'entity.too.large') return new AppError('payload_too_large', `The body exceeds ${JSON_BODY_LIMIT}.`, undefined, undefined, { reason: 'json_body_too_large' });
  if (e?.type === 'charset.unsupported' || e?.type === 'encoding.unsupported') return new AppError('unsupported_media_type', 'Unsupported body encoding.');
  if (err instanceof URIError || (e?.status === 400 && e.expose !== false)) return new AppError('bad_request', 'Malformed request (bad encoding in the URL or body).');
  const code = (err as { code?: string })?.code;
  if (isDatabaseUnavailable(err)) return new AppError('dependency_unavailable', 'The database is unavailable for a moment; retry shortly.', undefined, 5);
  if (code === 'ECONNREFUSED' || (err as Error)?.name === 'MaxRetriesPerRequestError' || /Connection is closed|Stream isn't writeable|enableOfflineQueue|Can't reach database|connect ECONNREFUSED|Connection terminated/i.test(String((err as Error)?.message))) {
    return new AppError('dependency_unavailable', 'A service the API depends on is unavailable; retry shortly.', undefined, 5);
  }
  return undefined;
}

/** Prisma connection errors (P1001 unreachable, P1002/P1008 timeouts, P1017 closed, P2024 pool timeout). */
const PRISMA_UNAVAILABLE = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
const DRIVER_UNAVAILABLE = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);

/**
 * PostgreSQL away, stopping or starting (found by the PostgreSQL outage drill): Prisma reports it
 * through its own codes or, for raw queries and mid-query cuts, through the driver adapter's
 * cause (SQLSTATE class 08 connection exception, 57P01-57P03 shutdown/start-up, 53300).
 */
function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; meta?: { driverAdapterError?: { cause?: { kind?: string; code?: string } } } };
  if (typeof e?.code === 'string' && PRISMA_UNAVAILABLE.has(e.code)) return true;
  const cause = e?.meta?.driverAdapterError?.cause;
  if (!cause) return false;
  if (cause.kind && DRIVER_UNAVAILABLE.has(cause.kind)) return true;
  return cause.kind === 'postgres' && typeof cause.code === 'string' && (cause.code.startsWith('08') || /^57P0[123]$/.test(cause.code) || cause.code === '53300');
}

function renderReferencePage(doc: ReturnType<typeof buildOpenApi>): string {
  const rows = Object.entries(doc.paths)
    .flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method, op: op as { summary: string; 'x-roles'?: string[] } })))
    .map(({ path, method, op }) => `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escapeHtml(path)}</code></td><td>${escapeHtml(op.summary)}</td><td>${escapeHtml((op['x-roles'] ?? []).join(', '))}</td></tr>`)
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Jalons API v1</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.4rem;text-align:left;vertical-align:top}</style></head>
<body><h1>Jalons API v1</h1><p>Machine-readable contract: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI 3.1, generated from the zod schemas). Errors are RFC 9457 <code>application/problem+json</code>.</p>
<table><thead><tr><th>Method</th><th>Path</th><th>What</th><th>Roles</th></tr></thead><tbody>${rows}</tbody></table></body></html>`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The path of a request URL without its query string (which may carry a feed token). */
function requestPath(url: string | undefined): string {
  return (url ?? '').split('?', 1)[0] ?? '';
}
