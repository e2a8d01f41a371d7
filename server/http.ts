import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import type { Role } from '../generated/prisma/enums';
import { AppError, type FieldProblem } from './errors';
import type { SessionUser } from './auth';

/**
 * Routes are data: method, path, who may call, zod schemas for params, query, body and
 * response. The same table mounts Express handlers and generates the OpenAPI document,
 * so the contract and the code cannot drift apart.
 */
export interface RouteContext<P, Q, B> {
  req: Request;
  res: Response;
  params: P;
  query: Q;
  body: B;
  user: SessionUser;
  idempotencyKey?: string;
}

export interface RouteDefinition<P = unknown, Q = unknown, B = unknown> {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  summary: string;
  tags: string[];
  /** Roles allowed; `public` needs no sign-in. */
  auth: readonly Role[] | 'public' | 'signedIn';
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  /** Non-JSON request body (multipart upload); documented, parsed by the handler. */
  rawBody?: { contentType: string; description: string };
  successStatus?: number;
  response?: z.ZodType;
  responseContentType?: string;
  handler(ctx: RouteContext<P, Q, B>): Promise<unknown>;
}

export function defineRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined>(route: RouteDefinition<P, Q, B>): RouteDefinition<P, Q, B> {
  return route;
}

export function zodProblems(error: z.ZodError, prefix: string): FieldProblem[] {
  return error.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].join('.'), message: i.message }));
}

// NUL and lone surrogates pass JSON parsing but PostgreSQL refuses them in text and JSONB:
// stopped here, they can never strand a workflow whose projection would fail forever.
// eslint-disable-next-line no-control-regex -- matching NUL is the point
const UNSAFE_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function findUnsafeText(value: unknown, path: string, depth = 0): string | undefined {
  if (typeof value === 'string') return UNSAFE_TEXT.test(value) ? path : undefined;
  if (depth > 64 || value === null || typeof value !== 'object') return undefined;
  for (const [k, v] of Object.entries(value)) {
    if (UNSAFE_TEXT.test(k)) return `${path}.${k}`;
    const found = findUnsafeText(v, `${path}.${k}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

export function refuseUnsafeText(value: unknown, path: string): void {
  const where = findUnsafeText(value, path);
  if (where) throw new AppError('validation_failed', `Invalid text at ${where}: NUL characters and unpaired surrogates are not accepted.`, [{ path: where, message: 'contains a NUL character or an unpaired surrogate' }]);
}

function parseOrThrow<T>(schema: z.ZodType<T> | undefined, value: unknown, where: string): T {
  if (!schema) return undefined as T;
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const problems = zodProblems(parsed.error, where);
    throw new AppError('validation_failed', `Invalid ${where}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`, problems);
  }
  return parsed.data;
}

export function mountRoute(router: Router, route: RouteDefinition<any, any, any>, authenticate: (req: Request) => Promise<SessionUser | undefined>): void {
  const handler: RequestHandler = async (req: Request, res: Response, next: NextFunction) => {
    try {
      let user: SessionUser | undefined;
      if (route.auth !== 'public') {
        user = await authenticate(req);
        if (!user) throw new AppError('unauthenticated', 'Sign in first (session cookie or Authorization: Bearer token).');
        if (route.auth !== 'signedIn' && !route.auth.includes(user.role)) {
          throw new AppError('forbidden', `This call is for ${route.auth.join(', ')}; you are signed in as ${user.role}.`);
        }
      }
      const raw = route.rawBody !== undefined && req.is(route.rawBody.contentType) !== false && req.is(route.rawBody.contentType) !== null;
      if (route.body && !raw && !req.is('application/json') && req.body === undefined) {
        throw new AppError('unsupported_media_type', `Send the body as application/json${route.rawBody ? ` or ${route.rawBody.contentType}` : ''}.`);
      }
      refuseUnsafeText(req.params, 'params');
      refuseUnsafeText(req.query, 'query');
      if (!raw) refuseUnsafeText(req.body, 'body');
      const key = req.get('Idempotency-Key');
      if (key !== undefined && (key.length === 0 || key.length > 200)) throw new AppError('validation_failed', 'Idempotency-Key must have 1 to 200 characters.', [{ path: 'headers.idempotency-key', message: '1 to 200 characters' }]);
      const ctx: RouteContext<unknown, unknown, unknown> = {
        req,
        res,
        params: parseOrThrow(route.params, req.params, 'params'),
        query: parseOrThrow(route.query, req.query, 'query'),
        // A raw body (multipart upload) is left in the request stream for the handler.
        body: raw ? undefined : parseOrThrow(route.body, req.body ?? {}, 'body'),
        user: user as SessionUser,
        // A key answers for one call only: the same key on another route or resource is another request.
        idempotencyKey: key === undefined ? undefined : `${req.method} ${req.path} ${key}`,
      };
      const result = await route.handler(ctx);
      if (res.headersSent) return;
      // A handler may set its own status (healthz answers 503 with a body); otherwise the route's.
      const status = (fallback: number) => (res.statusCode !== 200 ? res.statusCode : route.successStatus ?? fallback);
      if (result === undefined) res.status(status(204)).end();
      else if (typeof result === 'string') res.status(status(200)).type(route.responseContentType ?? 'text/plain').send(result);
      else res.status(status(200)).json(result);
    } catch (err) {
      next(err);
    }
  };
  router[route.method](route.path, handler);
}

// ------------------------------------------------------------------ OpenAPI 3.1

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  return z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;
}

export function buildOpenApi(routes: RouteDefinition<any, any, any>[], info: { title: string; version: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:(\w+)/g, '{$1}');
    const parameters: unknown[] = [];
    for (const [where, schema] of [['path', r.params], ['query', r.query]] as const) {
      if (!schema) continue;
      const js = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(js.properties ?? {})) {
        parameters.push({ name, in: where, required: where === 'path' || (js.required ?? []).includes(name), schema: s });
      }
    }
    if (r.method !== 'get') parameters.push({ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 } });
    const status = String(r.successStatus ?? (r.response ? 200 : 204));
    const responses: Record<string, unknown> = {
      [status]: r.response
        ? { description: 'Success', content: { [r.responseContentType ?? 'application/json']: { schema: jsonSchema(r.response, 'output') } } }
        : { description: 'Success' },
      default: { description: 'Problem (RFC 9457)', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
    };
    paths[path] ??= {};
    paths[path][r.method] = {
      summary: r.summary,
      tags: r.tags,
      security: r.auth === 'public' ? [] : [{ bearer: [] }, { cookie: [] }],
      ...(r.auth !== 'public' && r.auth !== 'signedIn' ? { 'x-roles': r.auth } : {}),
      parameters,
      ...(r.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(r.body, 'input') } } } } : {}),
      ...(r.rawBody
        ? {
            requestBody: {
              required: true,
              description: r.rawBody.description,
              content: {
                ...(r.body ? { 'application/json': { schema: jsonSchema(r.body, 'input') } } : {}),
                [r.rawBody.contentType]: { schema: { type: 'object', properties: { file: { type: 'string', contentMediaType: 'application/octet-stream' }, title: { type: 'string' }, kind: { type: 'string' } }, required: ['file'] } },
              },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'jalons_session' },
      },
      schemas: {
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status', 'detail'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            code: { type: 'string' },
            requestId: { type: 'string' },
            errors: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
          },
        },
      },
    },
  };
}
