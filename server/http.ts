import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import type { Role } from '../generated/prisma/enums';
import { describeIssues } from '../domain/template-problems';
import { FIELD_PROBLEM_CODES, PROBLEM_REASONS } from '../domain/problem-codes';
import { AppError, ERROR_CODES, toProblem, type FieldProblem } from './errors';
import type { SessionUser } from './auth';
import { IDEMPOTENCY_KEY_MAX_LENGTH, IDEMPOTENCY_KEY_MIN_LENGTH, validateIdempotencyKey, type IdempotencyClaim, type IdempotencyStore, type StoredAnswer } from './idempotency';

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
  /**
   * Raw-body routes (multipart upload) only: claims the Idempotency-Key once the body is read, with a
   * digest of what was received standing for the body. Throws IdempotentReplay when the key was
   * already answered (the handler cleans up and rethrows). A no-op for JSON bodies (claimed before the handler).
   */
  claimIdempotency(bodyDigest: unknown): Promise<void>;
}

/** Thrown by claimIdempotency when the first answer is to be sent again. */
export class IdempotentReplay extends Error {
  constructor(readonly answer: StoredAnswer) {
    super('idempotent replay');
  }
}

export interface RouteDefinition<P = unknown, Q = unknown, B = unknown, R = unknown> {
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
  rawBody?: { contentType: string; description: string; /** The text fields sent beside the `file` part. */ fields?: z.ZodType };
  successStatus?: number;
  response?: z.ZodType<R>;
  responseContentType?: string;
  /** A file answer whose media type is one of these (documented as 200 with a binary body). */
  fileMediaTypes?: readonly string[];
  /** Write routes honour Idempotency-Key unless this is false (logout: the session it names is gone after the first call). */
  idempotency?: false;
  /** Typed by the response schema: a handler cannot return what `response` (and so the OpenAPI document) does not describe. */
  handler(ctx: RouteContext<P, Q, B>): Promise<NoInfer<R>>;
}

export function defineRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined, R = unknown>(route: RouteDefinition<P, Q, B, R>): RouteDefinition<P, Q, B, R> {
  return route;
}

/**
 * Free text trimmed before use, its rules said in the schema: at most `max` characters as sent, and a
 * pattern for "at least `min` characters once trimmed" (JSON Schema cannot trim).
 */
export function trimmedText(max: number, min = 1) {
  const notBlank = min <= 1 ? /\S/ : min === 2 ? /\S[\s\S]*\S/ : new RegExp(`\\S[\\s\\S]{${min - 2},}\\S`);
  return z.string().max(max).regex(notBlank, min <= 1 ? 'must not be blank' : `at least ${min} characters besides surrounding spaces`).trim();
}

/** The largest value a PostgreSQL integer (int4) column holds: numeric inputs stored or compared there stay below it. */
export const INT4_MAX = 2_147_483_647;

/** One coded problem per zod issue (the same codes as the template editor's), with its limit or unknown keys; paths start at `prefix`. */
export function zodProblems(error: z.ZodError, prefix: string): FieldProblem[] {
  return describeIssues(error.issues).map((p) => ({
    path: p.path ? `${prefix}.${p.path}` : prefix,
    message: p.message,
    code: p.code,
    ...(Object.keys(p.values).length ? { params: p.values } : {}),
  }));
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
  if (where) throw new AppError('unsafe_text', `Invalid text at ${where}: NUL characters and unpaired surrogates are not accepted.`, [{ path: where, message: 'contains a NUL character or an unpaired surrogate', code: 'unsafe_text' }]);
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

export interface MountOptions {
  authenticate(req: Request): Promise<SessionUser | undefined>;
  idempotency: IdempotencyStore;
  /**
   * Parse every JSON answer with its route's `response` schema before sending it, and answer 500 on
   * a mismatch (NODE_ENV=test: every test that calls a route checks the contract; production trusts
   * the types, which `defineRoute` ties to the same schema).
   */
  checkResponses?: boolean;
}

export const usesIdempotency = (route: RouteDefinition<any, any, any>) => route.method !== 'get' && route.idempotency !== false;

export function mountRoute(router: Router, route: RouteDefinition<any, any, any>, options: MountOptions): void {
  const handler: RequestHandler = async (req: Request, res: Response, next: NextFunction) => {
    let claim: IdempotencyClaim | undefined;
    const requestId = () => (req as Request & { id?: string }).id ?? '';
    try {
      let user: SessionUser | undefined;
      if (route.auth !== 'public') {
        user = await options.authenticate(req);
        if (!user) throw new AppError('unauthenticated', 'Sign in first (session cookie or Authorization: Bearer token).');
        if (route.auth !== 'signedIn' && !route.auth.includes(user.role)) {
          throw new AppError('forbidden', `This call is for ${route.auth.join(', ')}; you are signed in as ${user.role}.`);
        }
      }
      const raw = route.rawBody !== undefined && req.is(route.rawBody.contentType) !== false && req.is(route.rawBody.contentType) !== null;
      const key = usesIdempotency(route) ? req.get('Idempotency-Key') : undefined;
      if (key !== undefined) validateIdempotencyKey(key);
      // Claimed before any validation: the same key with another body is 422 whatever the body holds.
      const claimWith = async (body: unknown) => {
        if (key === undefined || claim) return;
        const result = await options.idempotency.claim(user?.id ?? 'anonymous', key, { method: req.method, path: req.path, query: req.query, body });
        if (result.kind === 'replay') throw new IdempotentReplay(result.answer);
        claim = result.claim;
      };
      if (!raw) await claimWith(req.body ?? null);
      if (route.body && !raw && !req.is('application/json') && req.body === undefined) {
        throw new AppError('unsupported_media_type', `Send the body as application/json${route.rawBody ? ` or ${route.rawBody.contentType}` : ''}.`, undefined, undefined, { reason: 'json_required' });
      }
      refuseUnsafeText(req.params, 'params');
      refuseUnsafeText(req.query, 'query');
      if (!raw) refuseUnsafeText(req.body, 'body');
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
        claimIdempotency: (digest) => claimWith({ multipart: digest }),
      };
      const result = await route.handler(ctx);
      if (options.checkResponses && route.response && result !== undefined && typeof result !== 'string' && !res.headersSent) {
        const checked = route.response.safeParse(result);
        if (!checked.success) throw new Error(`${route.method.toUpperCase()} ${route.path} answered outside its response schema: ${JSON.stringify(checked.error.issues.slice(0, 3))}`);
      }
      if (res.headersSent) {
        await claim?.release();
        return;
      }
      // A handler may set its own status (healthz answers 503 with a body); otherwise the route's.
      const status = (fallback: number) => (res.statusCode !== 200 ? res.statusCode : route.successStatus ?? fallback);
      const answer: StoredAnswer =
        result === undefined
          ? { status: status(204), contentType: '', body: '' }
          : typeof result === 'string'
            ? { status: status(200), contentType: route.responseContentType ?? 'text/plain', body: result }
            : { status: status(200), contentType: 'application/json', body: JSON.stringify(result) };
      if (claim) await completeQuietly(req, claim, answer);
      send(res, answer);
    } catch (err) {
      if (err instanceof IdempotentReplay) {
        res.setHeader('Idempotent-Replayed', 'true');
        send(res, err.answer);
        return;
      }
      if (claim) {
        // A refusal is the answer to this request; a failure (5xx, rate limit) may go away: the key is freed for a retry.
        if (err instanceof AppError && err.status < 500 && err.status !== 429) {
          await completeQuietly(req, claim, { status: err.status, contentType: 'application/problem+json', body: JSON.stringify(toProblem(err, requestId())) });
        } else {
          await claim.release().catch(() => undefined);
        }
      }
      next(err);
    }
  };
  router[route.method](route.path, handler);
}

/** The write is done: failing to record its answer must not turn it into an error (a retry then waits for the lease). */
async function completeQuietly(req: Request, claim: IdempotencyClaim, answer: StoredAnswer): Promise<void> {
  try {
    await claim.complete(answer);
  } catch (err) {
    req.log?.warn({ err }, 'could not record the answer of an Idempotency-Key');
  }
}

function send(res: Response, answer: StoredAnswer): void {
  res.status(answer.status);
  if (answer.status === 204 || answer.body === '') {
    res.end();
    return;
  }
  res.type(answer.contentType).send(answer.body);
}

/**
 * Known paths answer 405 with an Allow header to methods they do not declare, and OPTIONS with 204 and
 * the same Allow. Mounted before the routes, and the most specific declared path decides (a literal
 * segment beats a parameter): `GET /templates/preview` is a 405, not `GET /templates/:key` with key
 * "preview", and OPTIONS on it does not advertise the GET of `/templates/:key`.
 */
export function mountMethodNotAllowed(router: Router, routes: { method: string; path: string }[]): void {
  const byPath = new Map<string, Set<string>>();
  for (const r of routes) {
    const methods = byPath.get(r.path) ?? new Set<string>();
    methods.add(r.method.toUpperCase());
    if (r.method === 'get') methods.add('HEAD');
    byPath.set(r.path, methods);
  }
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const known = [...byPath].map(([path, methods]) => ({
    pattern: new RegExp(`^${path.split(/(:\w+)/).map((part) => (part.startsWith(':') ? '[^/]+' : escape(part))).join('')}/?$`, 'i'),
    params: (path.match(/:\w+/g) ?? []).length,
    allow: [...methods].sort().join(', '),
    methods,
    path,
  }));
  // Fewest parameters first: the first match is the most specific path.
  known.sort((a, b) => a.params - b.params);
  router.use((req, res, next) => {
    const match = known.find((k) => k.pattern.test(req.path));
    if (!match || match.methods.has(req.method)) return next();
    res.setHeader('Allow', match.allow);
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next(new AppError('method_not_allowed', `${req.method} is not allowed on ${match.path}; allowed: ${match.allow}.`));
  });
}

// ------------------------------------------------------------------ OpenAPI 3.1

/** A multipart body: one `file` part and the route's text fields, nothing else (unknown fields are refused). */
function multipartSchema(fields: z.ZodType | undefined): Record<string, unknown> {
  const js = fields ? (jsonSchema(fields, 'input') as { properties?: Record<string, unknown>; required?: string[] }) : {};
  return {
    type: 'object',
    properties: { file: { type: 'string', contentMediaType: 'application/octet-stream' }, ...(js.properties ?? {}) },
    required: ['file', ...(js.required ?? [])],
    additionalProperties: false,
  };
}

/** The problem statuses a route can answer, from what it declares. */
function errorStatuses(r: RouteDefinition<any, any, any>): [string, string][] {
  const out: [string, string][] = [];
  const takesInput = r.params || r.query || r.body || r.rawBody;
  const write = r.method !== 'get';
  if (takesInput || usesIdempotency(r)) out.push(['400', 'Malformed or invalid input (field problems in `errors`); NUL characters and unpaired surrogates are refused']);
  if (r.auth !== 'public') out.push(['401', 'Not signed in']);
  if (r.auth !== 'public') out.push(['403', write ? 'Role not allowed, or a cookie-authenticated write without X-CSRF-Token' : 'Role not allowed']);
  if (r.params) out.push(['404', 'Unknown, or not visible to the caller']);
  if (usesIdempotency(r)) out.push(['409', 'The lifecycle does not allow it now, or a request with this Idempotency-Key is still running']);
  if (r.body || r.rawBody) out.push(['413', 'Body too large'], ['415', 'Unsupported media type']);
  if (usesIdempotency(r)) {
    out.push(['422', 'Well-formed but refused (a business refusal): a rule of the lifecycle, a template, organisation or user named but unknown (unknown_reference), a template whose parts do not fit (invalid_template), empty quiet hours (quiet_hours_empty); or the Idempotency-Key was used for another request (idempotency_key_reused)']);
  }
  if (r.path === '/api/v1/auth/login') out.push(['429', 'Too many failed sign-ins (sign_in_locked, params.minutes)']);
  out.push(['503', 'A dependency is unavailable; retry (Retry-After)']);
  return out;
}

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const js = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as Record<string, unknown>;
  if (io === 'input') refuseNulInStrings(js);
  return js;
}

/** Every input string says it takes no NUL character (refused everywhere, see UNSAFE_TEXT); unpaired surrogates are not representable in JSON Schema. */
function refuseNulInStrings(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(refuseNulInStrings);
  if (node === null || typeof node !== 'object') return;
  const s = node as Record<string, unknown>;
  if (s.type === 'string' && s.enum === undefined && s.const === undefined && s.not === undefined) s.not = { pattern: '\\u0000' };
  for (const [k, v] of Object.entries(s)) if (k !== 'not') refuseNulInStrings(v);
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
    if (usesIdempotency(r)) {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: false,
        description: 'A retry with the same key and the same request gets the first answer (Idempotent-Replayed: true) and changes nothing twice; the same key with another request is 422 (idempotency_key_reused). Keys are scoped to the caller and kept 24 hours.',
        schema: { type: 'string', minLength: IDEMPOTENCY_KEY_MIN_LENGTH, maxLength: IDEMPOTENCY_KEY_MAX_LENGTH },
      });
    }
    // A route that writes its own body (a workbook, a PDF, a CSV) answers 200 in its media type.
    const status = String(r.successStatus ?? (r.response || r.fileMediaTypes || r.responseContentType ? 200 : 204));
    const problem = (description: string) => ({ description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
    const responses: Record<string, unknown> = {
      [status]: r.response
        ? { description: 'Success', content: { [r.responseContentType ?? 'application/json']: { schema: jsonSchema(r.response, 'output') } } }
        : r.fileMediaTypes
          ? { description: 'The file', content: Object.fromEntries(r.fileMediaTypes.map((t) => [t, { schema: { type: 'string', contentMediaType: t } }])) }
          : r.responseContentType
            ? { description: 'The document', content: { [r.responseContentType]: { schema: { type: 'string', contentMediaType: r.responseContentType.split(';')[0] } } } }
            : { description: 'Success' },
    };
    for (const [code, description] of errorStatuses(r)) responses[code] = problem(description);
    responses.default = problem('Problem (RFC 9457)');
    paths[path] ??= {};
    paths[path][r.method] = {
      summary: r.summary,
      tags: r.tags,
      // A cookie-authenticated write also echoes the CSRF cookie in X-CSRF-Token (double submit).
      security: r.auth === 'public' ? [] : r.method === 'get' ? [{ bearer: [] }, { cookie: [] }] : [{ bearer: [] }, { cookie: [], csrf: [] }],
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
                [r.rawBody.contentType]: { schema: multipartSchema(r.rawBody.fields) },
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
        csrf: { type: 'apiKey', in: 'header', name: 'X-CSRF-Token', description: 'The value of the jalons_csrf cookie, on every write authenticated by the session cookie.' },
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
            code: { type: 'string', enum: [...ERROR_CODES], description: 'What went wrong; clients say it from their own catalogue (`detail` is English for developers).' },
            requestId: { type: 'string' },
            errors: {
              type: 'array',
              items: {
                type: 'object',
                required: ['path', 'message', 'code'],
                properties: {
                  path: { type: 'string' },
                  message: { type: 'string' },
                  code: { type: 'string', enum: [...FIELD_PROBLEM_CODES] },
                  params: { type: 'object', description: 'The limit or keys the field problem names (minimum, maximum, keys…)', additionalProperties: { type: ['string', 'number'] } },
                },
              },
            },
            params: {
              type: 'object',
              description:
                'Values for the client\'s sentence of this code: `reason` names the exact sentence; values are numbers, text, ISO instants (names ending in `At`, shown in Europe/Paris time) or names from the template ({ fr, en? }).',
              properties: { reason: { type: 'string', enum: [...PROBLEM_REASONS] } },
              additionalProperties: { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'object', required: ['fr'], properties: { fr: { type: 'string' }, en: { type: 'string' } } }] },
            },
          },
        },
      },
    },
  };
}
