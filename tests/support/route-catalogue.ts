/**
 * The API's write routes as the served OpenAPI document describes them, so that tests which
 * must cover "every write route" pick up a new route without being edited.
 */

export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
};

interface OpenApiParameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: JsonSchema;
}

interface OpenApiOperation {
  summary?: string;
  security?: unknown[];
  'x-roles'?: string[];
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
  responses?: Record<string, { content?: Record<string, { schema?: JsonSchema }> }>;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation>>;
}

export const WRITE_METHODS = ['post', 'put', 'patch', 'delete'] as const;

export interface WriteOperation {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** OpenAPI path, with `{name}` placeholders. */
  path: string;
  /** Each path parameter with the literal segment before it (`programmes` for `/programmes/{id}`), which says what it names. */
  pathParams: { name: string; context: string }[];
  queryParams: { name: string; required: boolean; schema?: JsonSchema }[];
  /** `public` (no security), `signedIn` (any role) or the roles listed in `x-roles`. */
  access: 'public' | 'signedIn' | string[];
  /** The application/json request body schema, when the route takes one. */
  jsonBody?: JsonSchema;
  /** The 2xx response schema (used for field names when the body schema names none). */
  responseBody?: JsonSchema;
  /** Request media types other than application/json (multipart uploads). */
  otherMediaTypes: string[];
}

export async function fetchOpenApi(apiUrl: string): Promise<OpenApiDocument> {
  const res = await fetch(`${apiUrl}/api/v1/openapi.json`);
  if (res.status !== 200) throw new Error(`GET /api/v1/openapi.json answered ${res.status}`);
  return (await res.json()) as OpenApiDocument;
}

export function writeOperations(doc: OpenApiDocument): WriteOperation[] {
  const out: WriteOperation[] = [];
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      if (!(WRITE_METHODS as readonly string[]).includes(method)) continue;
      const declared = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      const segments = path.split('/');
      const inPath = segments.flatMap((seg, i) => (/^\{\w+\}$/.test(seg) ? [{ name: seg.slice(1, -1), context: segments[i - 1] ?? '' }] : []));
      // A parameter declared but absent from the path has no context: the test must fail on it.
      const undeclaredInPath = declared.filter((name) => !inPath.some((p) => p.name === name)).map((name) => ({ name, context: '?' }));
      const content = op.requestBody?.content ?? {};
      const success = Object.entries(op.responses ?? {}).find(([status]) => /^2\d\d$/.test(status))?.[1];
      out.push({
        method: method.toUpperCase() as WriteOperation['method'],
        path,
        pathParams: [...inPath, ...undeclaredInPath],
        queryParams: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => ({ name: p.name, required: p.required === true, schema: p.schema })),
        access: op.security && op.security.length === 0 ? 'public' : (op['x-roles'] ?? 'signedIn'),
        jsonBody: content['application/json']?.schema,
        responseBody: success?.content?.['application/json']?.schema,
        otherMediaTypes: Object.keys(content).filter((t) => t !== 'application/json'),
      });
    }
  }
  return out;
}

/** Replaces `{name}` placeholders with already URL-encoded segments. */
export function fillPath(path: string, segments: Record<string, string>): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = segments[name];
    if (value === undefined) throw new Error(`No value for path parameter "${name}" of ${path}`);
    return value;
  });
}

export function allows(op: WriteOperation, role: string): boolean {
  return op.access === 'public' || op.access === 'signedIn' || op.access.includes(role);
}
