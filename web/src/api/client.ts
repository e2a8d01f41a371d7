import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';

export type { paths };
type Schemas = components extends { schemas: infer S } ? S : never;
export type ApiSchemas = Schemas;

/** An RFC 9457 problem from the API, or a network failure (status 0). */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly requestId?: string,
    readonly errors?: { path: string; message: string; code?: string; params?: Record<string, unknown> }[],
    readonly retryAfterSeconds?: number,
    /** Values for the catalogue's sentence of this code: a `reason`, `minutes` left, an ISO deadline (…At), a template's name ({ fr, en })… */
    readonly params?: Record<string, unknown>,
  ) {
    super(detail);
  }
}

const CSRF_COOKIE = 'jalons_csrf';

export function readCsrfToken(): string {
  const match = document.cookie.split('; ').find((c) => c.startsWith(`${CSRF_COOKIE}=`));
  return match ? decodeURIComponent(match.slice(CSRF_COOKIE.length + 1)) : '';
}

// Cookie sessions: every write echoes the CSRF cookie (double submit), as the API requires.
const csrfMiddleware: Middleware = {
  onRequest({ request }) {
    if (request.method !== 'GET' && request.method !== 'HEAD') request.headers.set('X-CSRF-Token', readCsrfToken());
    return request;
  },
};

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(csrfMiddleware);

export async function toProblem(response: Response, body: unknown): Promise<ApiProblem> {
  const p = (body ?? {}) as { code?: string; detail?: string; requestId?: string; errors?: { path: string; message: string; code?: string; params?: Record<string, unknown> }[]; params?: Record<string, unknown> };
  const retry = Number(response.headers.get('Retry-After'));
  // A proxy's 413 has no JSON body: it is still a file too large.
  const code = p.code ?? (response.status === 413 ? 'payload_too_large' : response.status === 401 ? 'unauthenticated' : 'internal');
  return new ApiProblem(response.status, code, p.detail ?? response.statusText, p.requestId, p.errors, Number.isFinite(retry) && retry > 0 ? retry : undefined, p.params);
}

/** openapi-fetch answers { data } or { error }: turn the error into a thrown ApiProblem. */
export async function unwrap<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  let result: { data?: T; error?: unknown; response: Response };
  try {
    result = await call;
  } catch {
    throw new ApiProblem(0, 'network', 'network');
  }
  if (!result.response.ok) throw await toProblem(result.response, result.error);
  return result.data as T;
}

/** Multipart upload through XHR: fetch cannot report upload progress. */
export function uploadDeliverable(
  programmeId: string,
  stepKey: string,
  fields: { file: File; title: string; kind?: string },
  onProgress: (fraction: number) => void,
  headers: { 'Idempotency-Key': string },
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/programmes/${encodeURIComponent(programmeId)}/steps/${encodeURIComponent(stepKey)}/deliverables`);
    xhr.setRequestHeader('X-CSRF-Token', readCsrfToken());
    // One key per submission, given by the caller and kept when the same upload is retried.
    xhr.setRequestHeader('Idempotency-Key', headers['Idempotency-Key']);
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => reject(new ApiProblem(0, 'network', 'network'));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(body);
      const headers = new Headers();
      const retry = xhr.getResponseHeader('Retry-After');
      if (retry) headers.set('Retry-After', retry);
      void toProblem(new Response(null, { status: xhr.status, headers }), body).then(reject);
    };
    const form = new FormData();
    // Text fields first: the server streams the file and needs them before it.
    form.append('title', fields.title);
    if (fields.kind) form.append('kind', fields.kind);
    form.append('file', fields.file, fields.file.name);
    xhr.send(form);
  });
}
