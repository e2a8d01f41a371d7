/**
 * The generators of the hostile-input test (tests/integration/hostile-input.test.ts): hostile
 * JSON written by hand (duplicate keys, `__proto__`, numbers JSON.stringify cannot write), bodies
 * too large, too deep, of the wrong type or encoding, multipart garbage, path segments and query
 * strings, and the check that an error answer is a clean RFC 9457 problem. Pure: no server here.
 */
import path from 'node:path';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { JsonSchema, WriteOperation } from './route-catalogue';

export const SEED = Number(process.env.HOSTILE_SEED ?? 20_260_214);
const RUNS_SCALE = Number(process.env.HOSTILE_RUNS_SCALE ?? 1);
export const RUNS: Record<ActorRole, number> = { coordinator: Math.round(60 * RUNS_SCALE), partner: Math.round(30 * RUNS_SCALE), admin: Math.round(40 * RUNS_SCALE) };
/** The read model is compared with the baseline after this many refused requests (and after every route). */
export const CHECK_EVERY = 5;
/** Longer than the API's own deadline on a workflow update, so that its answer (not ours) is seen. */
export const REQUEST_TIMEOUT_MS = 30_000;
/** Per route and actor, shrinking included: a safety net, runs take milliseconds. */
export const ROUTE_TIME_LIMIT_MS = 60_000;
/** A failure slower than this (a request that hangs until the API's deadline) is not shrunk: each try would cost as much. */
export const SLOW_FAILURE_MS = 5_000;
const JSON_LIMIT_BYTES = 256 * 1024;

export type ActorRole = 'coordinator' | 'partner' | 'admin';

/** Each route and actor draws from its own seed, stable when routes are added or reordered. */
export function routeSeed(label: string): number {
  let hash = 0x811c9dc5;
  for (const ch of label) hash = Math.imul(hash ^ ch.charCodeAt(0), 0x01000193);
  return (SEED + (hash >>> 0)) % 2 ** 31;
}

// ------------------------------------------------------------------ JSON text, written by hand

/** A number token JSON.stringify cannot write (1e309, -0) or that is not JSON at all (NaN, 0x10). */
class RawJson {
  constructor(readonly text: string) {}
}

/** An object as its list of members: `__proto__` stays a plain key, duplicate keys are possible. */
class Members {
  constructor(readonly entries: [string, unknown][]) {}
}

function toJsonText(v: unknown): string {
  if (v instanceof RawJson) return v.text;
  if (v instanceof Members) return `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}:${toJsonText(x)}`).join(',')}}`;
  if (Array.isArray(v)) return `[${v.map((x) => toJsonText(x)).join(',')}]`;
  if (v !== null && typeof v === 'object') return toJsonText(new Members(Object.entries(v)));
  return JSON.stringify(v) ?? 'null';
}

// ------------------------------------------------------------------ hostile values

export const POLLUTION_MARK = 'hostilePolluted';
const pollutionPayload = new Members([
  [POLLUTION_MARK, true],
  ['role', 'admin'],
  ['isAdmin', true],
]);
const pollutionKey = fc.constantFrom('__proto__', 'constructor', 'prototype', '__defineGetter__', 'toString', 'valueOf', 'hasOwnProperty');
const pollutionValue = fc.constantFrom<unknown>(pollutionPayload, new Members([['prototype', pollutionPayload]]), new Members([['__proto__', pollutionPayload]]));

/** Characters of any UTF-16 code unit: control characters, NUL and lone surrogates included. */
const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

const hostileDates = [
  '2026-02-30', '2026-02-29', '2024-02-29', '2026-13-01', '2026-00-10', '0000-00-00', '0000-01-01', '9999-12-31', '1970-01-01', '2026-1-1', '26-11-28',
  '2026-11-28T25:61:00Z', '2026-11-28T10:00:00', '2026-11-28T10:00:00+25:00', '2026-11-28T10:00:00.123456789Z', '+275760-09-13T00:00:00.000Z', '-000001-01-01T00:00:00Z',
  '2026-11-28 10:00', '2026-W48-6', '28/11/2026', 'now', 'Invalid Date', '1e309',
];
const hostileStringConstants = [
  '', ' ', '\u0000', 'a\u0000b', '\u0000\u0000\u0000\u0000', '\uD800', '\uDFFF\uD800x', '\uFEFFabc', '\u202Eabc', 'e\u0301\u0301\u0301', '\u200B\u200B\u200B', '𝕏'.repeat(50), '\r\n\t\u0007\u001b[31mred',
  '<script>alert(1)</script>', "' OR '1'='1", '"; DROP TABLE programmes; --', '${jndi:ldap://localhost/x}', '{{7*7}}', '../../../../etc/passwd', '%00', '%s%s%n%x', '\\', '"', "'",
  '__proto__', 'constructor', 'null', 'undefined', 'NaN', 'Infinity', '-0', '1e309', '0x10', 'true', '[]', '{}',
  'javascript:alert(1)', 'https://', 'http://localhost:1/', 'file:///etc/passwd', 'ftp://example.org/x', 'https://exa mple.org', 'a@b', '@', 'x@localhost',
  'x'.repeat(201), 'x'.repeat(301), 'x'.repeat(2001), 'x'.repeat(5001), ...hostileDates,
];
const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...hostileStringConstants) },
  { weight: 2, arbitrary: fc.string({ unit: anyCodeUnit, maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 200_000 }).map((n) => 'é'.repeat(n)) },
);
const hostileNumber: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    ...['1e309', '-1e309', '-0', '-0.0', '1e-400', '9007199254740993', '123456789012345678901234567890', '0.1e1', '1E+2', '5e-324'].map((t) => new RawJson(t)),
    // Not JSON at all: the body must be refused as malformed.
    ...['NaN', 'Infinity', '-Infinity', '0x10', '01', '.5', '+1', '1.', '--1'].map((t) => new RawJson(t)),
  ),
  fc.constantFrom(0, -1, 0.5, 1.5, 10_001, -10_001, 1e9 + 1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, Number.MAX_VALUE, Number.MIN_VALUE),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom('NaN', '1e309', '-0', 'Infinity', '1', ' 1 ', '0x10'),
);

function typeOf(schema: JsonSchema | undefined): string | undefined {
  if (!schema) return undefined;
  if (typeof schema.type === 'string') return schema.type;
  if (Array.isArray(schema.type)) return schema.type.find((t) => t !== 'null');
  if (schema.properties) return 'object';
  return undefined;
}

function wrongType(t: string | undefined): fc.Arbitrary<unknown> {
  const options: fc.Arbitrary<unknown>[] = [fc.constant(null), pollutionValue];
  if (t !== 'string') options.push(hostileString);
  if (t !== 'number' && t !== 'integer') options.push(hostileNumber);
  if (t !== 'boolean') options.push(fc.boolean());
  if (t !== 'array') options.push(fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }));
  if (t !== 'object') options.push(fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }));
  return fc.oneof(...options);
}

/** A value of the wrong type for the field, or of the right type but hostile (huge, NUL, lone surrogate, out of range, 2026-02-30...). */
function hostileValue(schema: JsonSchema | undefined, depth: number, hints: Hints): fc.Arbitrary<unknown> {
  const t = typeOf(schema);
  const options: fc.Arbitrary<unknown>[] = [wrongType(t)];
  if (t === 'string' || t === undefined) options.push(hostileString);
  if (t === 'number' || t === 'integer' || t === undefined) options.push(hostileNumber);
  if (t === 'array') {
    const items = schema?.items;
    options.push(
      fc.array(depth < 3 ? hostileValue(items, depth + 1, hints) : hostileString, { maxLength: 4 }),
      fc.integer({ min: 101, max: 20_000 }).map((n) => new Array<unknown>(n).fill(items ? exampleFor(items, undefined, hints) : 'x')),
    );
  }
  if (t === 'object' && depth < 3) options.push(hostileObject(schema ?? {}, depth + 1, hints));
  return fc.oneof(...options);
}

/** Some of the known fields with hostile values, plus stray and prototype-polluting keys. */
function hostileObject(schema: JsonSchema, depth: number, hints: Hints): fc.Arbitrary<Members> {
  const props = schema.properties ?? {};
  const known = fc.record(Object.fromEntries(Object.entries(props).map(([k, s]) => [k, hostileValue(s, depth, hints)])), { requiredKeys: [] });
  const extraValue = typeof schema.additionalProperties === 'object' && depth < 3 ? hostileValue(schema.additionalProperties, depth + 1, hints) : fc.jsonValue({ maxDepth: 2 });
  const extras = fc.array(fc.tuple(fc.oneof(pollutionKey, fc.string({ maxLength: 12 })), fc.oneof(extraValue, pollutionValue)), { maxLength: 3 });
  return fc.tuple(known, extras, fc.boolean()).map(([k, e, extrasFirst]) => new Members(extrasFirst ? [...e, ...Object.entries(k)] : [...Object.entries(k), ...e]));
}

// ------------------------------------------------------------------ plausible values (to get past the first checks)

export type Hints = Record<string, unknown>;

function exampleFor(schema: JsonSchema, name: string | undefined, hints: Hints): unknown {
  if (name !== undefined && name in hints) return hints[name];
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  const alternative = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (alternative) return exampleFor(alternative, name, hints);
  switch (typeOf(schema)) {
    case 'string':
      if (schema.format === 'date') return '2026-11-28';
      if (schema.format === 'date-time') return '2026-11-28T10:00:00Z';
      if (schema.format === 'email') return 'hostile-input@example.org';
      if (schema.format === 'uri') return 'https://example.org/hostile';
      return 'hostile'.padEnd(Math.min(schema.minLength ?? 0, 50), 'x');
    case 'number':
    case 'integer':
      return Math.max(schema.minimum ?? 1, 1);
    case 'boolean':
      return true;
    case 'array':
      return [];
    case 'object':
      return new Members(
        Object.entries(schema.properties ?? {})
          .filter(([k]) => schema.required?.includes(k))
          .map(([k, s]) => [k, exampleFor(s, k, hints)]),
      );
    default:
      return 'hostile';
  }
}

function baseEntries(schema: JsonSchema, hints: Hints): [string, unknown][] {
  const base = exampleFor({ ...schema, type: 'object' }, undefined, hints);
  return base instanceof Members ? base.entries : [];
}

// ------------------------------------------------------------------ request bodies

interface HostileBody {
  kind: string;
  /** Undefined: no Content-Type header at all. */
  contentType?: string;
  contentEncoding?: string;
  body?: string | Uint8Array;
}

const json = (kind: string) => (v: unknown): HostileBody => ({ kind, contentType: 'application/json', body: toJsonText(v) });

const malformedJsonTexts = [
  '{', '}', '{"a":', '{"a" 1}', "{'a':1}", '[1,]', '{"a":1,}', '{,}', 'nul', 'undefined', 'NaN', '\uFEFF{}', '{"a":"\\x00"}', '{"a":"\\u00"}', '{"a":"\\ud800"}',
  '{"a":01}', '{"a":.5}', '{"a":+1}', '{"a":0x10}', '{"a":Infinity}', '{"a":NaN}', '{"a":1e309}', '"string"', '123', 'true', 'null', '[]', '{}{}', '{"a":1}garbage',
  '/* comment */{}', '{"a":"unterminated}', '\u0000', ' \n\t ', '{"__proto__":', '{"a":"line\nbreak"}', '{"a":"tab\tinside"}', '\u00ff\u00fe{\u0000}',
];

function hugeBody(schema: JsonSchema, hints: Hints): fc.Arbitrary<HostileBody> {
  const stringFields = Object.entries(schema.properties ?? {})
    .filter(([, s]) => typeOf(s) === 'string' || typeOf(s) === undefined)
    .map(([k]) => k);
  const fields = stringFields.length ? stringFields : ['title'];
  const cost: Record<string, number> = { a: 1, é: 2, '𝕏': 4, '\u0000': 6, '"': 2 };
  return fc
    .record({
      bytes: fc.oneof(fc.integer({ min: JSON_LIMIT_BYTES - 6000, max: 300 * 1024 }), fc.integer({ min: 1000, max: 300 * 1024 })),
      ch: fc.constantFrom('a', 'é', '𝕏', '\u0000', '"'),
      field: fc.constantFrom(...fields),
      shape: fc.constantFrom('field', 'top-level string', 'array of numbers'),
    })
    .map(({ bytes, ch, field, shape }) => {
      const big = ch.repeat(Math.floor(bytes / cost[ch]!));
      const body =
        shape === 'field'
          ? toJsonText(new Members([...baseEntries(schema, hints).filter(([k]) => k !== field), [field, big]]))
          : shape === 'top-level string'
            ? JSON.stringify(big)
            : `[${'1,'.repeat(Math.floor(bytes / 2))}1]`;
      return { kind: `huge ${shape} (${Buffer.byteLength(body)} bytes)`, contentType: 'application/json', body };
    });
}

function deepBody(schema: JsonSchema, hints: Hints): fc.Arbitrary<HostileBody> {
  const fields = Object.keys(schema.properties ?? {});
  return fc
    .record({
      depth: fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1000, max: 250_000 })),
      shape: fc.constantFrom('array', 'object', 'mixed'),
      closed: fc.boolean(),
      field: fc.option(fc.constantFrom(...(fields.length ? fields : ['data']))),
    })
    .map(({ depth, shape, closed, field }) => {
      const open = shape === 'array' ? '[' : shape === 'object' ? '{"a":' : '[{"a":';
      const close = shape === 'array' ? ']' : shape === 'object' ? '}' : '}]';
      const leaf = shape === 'array' ? '' : '1';
      const levels = shape === 'object' ? Math.min(depth, 60_000) : shape === 'mixed' ? Math.min(depth, 45_000) : depth;
      const deep = open.repeat(levels) + leaf + (closed ? close.repeat(levels) : '');
      const body = field === null ? deep : `{${[...baseEntries(schema, hints).filter(([k]) => k !== field), [field, new RawJson(deep)] as [string, unknown]].map(([k, v]) => `${JSON.stringify(k)}:${toJsonText(v)}`).join(',')}}`;
      return { kind: `nested ${shape} ${levels} deep${closed ? '' : ', unclosed'}${field === null ? '' : ` in "${field}"`}`, contentType: 'application/json', body };
    });
}

function pollutionBody(schema: JsonSchema, hints: Hints): fc.Arbitrary<HostileBody> {
  const objectFields = Object.entries(schema.properties ?? {})
    .filter(([, s]) => typeOf(s) === 'object')
    .map(([k]) => k);
  return fc
    .record({ key: pollutionKey, value: pollutionValue, withBase: fc.boolean(), inside: fc.option(fc.constantFrom(...(objectFields.length ? objectFields : ['params']))) })
    .map(({ key, value, withBase, inside }) => {
      const polluted = new Members([[key, value]]);
      const base = withBase ? baseEntries(schema, hints) : [];
      return new Members(inside === null ? [[key, value], ...base] : [...base.filter(([k]) => k !== inside), [inside, polluted]]);
    })
    .map(json('prototype pollution'));
}

/** Valid-looking bodies (plausible values) with exactly one field made hostile. */
function oneFieldOff(schema: JsonSchema, hints: Hints): fc.Arbitrary<HostileBody> {
  const props = Object.entries(schema.properties ?? {});
  if (!props.length) return hostileObject(schema, 0, hints).map(json('hostile fields'));
  const base = baseEntries(schema, hints);
  return fc
    .constantFrom(...props)
    .chain(([k, s]) => hostileValue(s, 0, hints).map((v) => new Members([...base.filter(([b]) => b !== k), [k, v]])))
    .map(json('plausible body, one field hostile'));
}

/** Characters that JSON carries but storage, collation or display may not: NUL, lone surrogates, non-characters, bidi overrides... */
const awkwardCharacters = ['\u0000', '\uD800', '\uDFFF', '\uFFFE', '\uFFFF', '\u001F', '\u007F', '\u0085', '\u2028', '\u2029', '\uFEFF', '\u202E', 'e\u0301', '🤷🏽‍♀️', '\u0000\uD800'];

/** A plausible body whose free-text fields each carry an awkward character somewhere. */
function awkwardTextBody(schema: JsonSchema, hints: Hints): fc.Arbitrary<HostileBody> {
  const props = schema.properties ?? {};
  const freeText = Object.keys(props).filter((k) => typeOf(props[k]) === 'string' && !props[k]!.enum && !props[k]!.format && !props[k]!.pattern && !(k in hints));
  const fields = freeText.length ? freeText : ['title', 'note', 'reason'];
  return fc
    .record({ ch: fc.constantFrom(...awkwardCharacters), where: fc.constantFrom('start', 'middle', 'end', 'only'), all: fc.boolean(), pick: fc.constantFrom(...fields) })
    .map(({ ch, where, all, pick }) => {
      const mangle = (text: string) => (where === 'only' ? ch : where === 'start' ? ch + text : where === 'end' ? text + ch : text.slice(0, 3) + ch + text.slice(3));
      const base = baseEntries(schema, hints).filter(([k]) => !fields.includes(k));
      const text = (all ? fields : [pick]).map((k): [string, unknown] => [k, mangle(String(exampleFor(props[k] ?? { type: 'string' }, k, hints)).padEnd(6, 'x'))]);
      return { kind: `plausible body, awkward character U+${[...ch].map((c) => c.charCodeAt(0).toString(16).padStart(4, '0')).join('+U+')} in ${all ? fields.join(', ') : pick}`, contentType: 'application/json', body: toJsonText(new Members([...base, ...text])) };
    });
}

function wrongContentType(schema: JsonSchema, hints: Hints): fc.Arbitrary<HostileBody> {
  return fc
    .record({
      contentType: fc.constantFrom(
        'text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'text/html', 'application/octet-stream', 'application/json; charset=utf-16',
        'application/json; charset=latin1', 'application/json; charset=koi8-r', 'application/json; charset=""', 'application/json;;;', 'application/vnd.hostile+json',
        'application/merge-patch+json', 'APPLICATION/JSON', 'application/jsonp', 'application/json5', 'json', '*/*', 'multipart/form-data', 'multipart/form-data; boundary=',
        'application/x-www-form-urlencoded; charset=utf-8', 'text/plain; charset=utf-8', '',
      ),
      body: fc.oneof(
        fc.constant(toJsonText(new Members(baseEntries(schema, hints)))),
        fc.constant(`a=1&b[c]=2&__proto__[${POLLUTION_MARK}]=1&constructor[prototype][${POLLUTION_MARK}]=1`),
        fc.string({ maxLength: 100 }),
      ),
    })
    .map(({ contentType, body }) => ({ kind: `wrong content type "${contentType}"`, contentType, body }));
}

const rawBytes: fc.Arbitrary<HostileBody> = fc.oneof(
  fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ kind: 'random bytes', contentType: 'application/json', body: bytes })),
  fc
    .constantFrom([0xc0, 0xaf], [0xff, 0xfe], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x00], [0xef, 0xbb, 0xbf])
    .map((bad) => ({ kind: 'invalid UTF-8 in a JSON string', contentType: 'application/json; charset=utf-8', body: Buffer.concat([Buffer.from('{"title":"a'), Buffer.from(bad), Buffer.from('b","reason":"x'), Buffer.from(bad), Buffer.from('yz"}')]) })),
);

let bomb: Buffer | undefined;
/** 10 MB of JSON that compresses to a few kilobytes. */
function compressionBomb(): Buffer {
  bomb ??= Buffer.concat([Buffer.from('{"title":"'), Buffer.alloc(10 * 1024 * 1024, 'a'), Buffer.from('"}')]);
  return bomb;
}
const encodedBody: fc.Arbitrary<HostileBody> = fc
  .record({ encoding: fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'compress', 'x-hostile', 'gzip, deflate', 'gzip, gzip'), payload: fc.constantFrom('bomb', 'garbage', 'truncated', 'valid') })
  .map(({ encoding, payload }) => {
    const compress = (b: Buffer) => (encoding.startsWith('gzip') ? gzipSync(b) : encoding === 'deflate' ? deflateSync(b) : encoding === 'br' ? brotliCompressSync(b) : b);
    const plain = payload === 'bomb' ? compressionBomb() : Buffer.from('{"title":"compressed","reason":"compressed"}');
    const packed = payload === 'garbage' ? Buffer.from('this is not compressed at all') : compress(plain);
    return { kind: `Content-Encoding: ${encoding}, ${payload}`, contentType: 'application/json', contentEncoding: encoding, body: payload === 'truncated' ? packed.subarray(0, Math.floor(packed.length / 2)) : packed };
  });

const PDF_HEAD = Buffer.from('%PDF-1.7\nhostile\n%%EOF\n');
const multipartPart = fc.record({
  name: fc.oneof(fc.constantFrom('file', 'file', 'title', 'kind', 'organisationId', 'url', '__proto__', 'constructor', ''), fc.string({ unit: 'grapheme-ascii', maxLength: 10 })),
  filename: fc.option(fc.constantFrom('rapport.pdf', '../../etc/passwd.pdf', 'a.pdf\u0000.exe', 'noext', '.pdf', 'x.PDF', '😀.png', `${'a'.repeat(300)}.pdf`, 'CON.pdf', 'x.exe', 'x.pdf.exe', '"quoted".pdf', '')),
  contentType: fc.option(fc.constantFrom('application/pdf', 'application/octet-stream', 'text/plain', 'image/png', 'application/x-msdownload', '', 'application/pdf; charset=utf-8')),
  content: fc.oneof(
    fc.constant(PDF_HEAD),
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.concat([PDF_HEAD.subarray(0, 5), Buffer.from(b)])),
    fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
    hostileString.map((s) => Buffer.from(s)),
  ),
});
const multipartGarbage: fc.Arbitrary<HostileBody> = fc
  .record({
    boundary: fc.oneof(fc.constant('hostileBoundary'), fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 70 }).filter((b) => !/[";\\]/.test(b))),
    declared: fc.constantFrom('same', 'other', 'none', 'quoted', 'empty', 'mixed'),
    parts: fc.array(multipartPart, { maxLength: 4 }),
    closing: fc.constantFrom('proper', 'none', 'early'),
    tail: fc.uint8Array({ maxLength: 50 }),
  })
  .map(({ boundary, declared, parts, closing, tail }) => {
    const chunks: Buffer[] = [];
    for (const p of parts) {
      const disposition = `form-data; name="${p.name.replace(/"/g, '%22')}"${p.filename === null ? '' : `; filename="${p.filename}"`}`;
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.contentType === null ? '' : `Content-Type: ${p.contentType}\r\n`}\r\n`), p.content, Buffer.from('\r\n'));
    }
    if (closing === 'proper') chunks.push(Buffer.from(`--${boundary}--\r\n`));
    const body = Buffer.concat(chunks);
    const contentType =
      declared === 'same' ? `multipart/form-data; boundary=${boundary}`
      : declared === 'quoted' ? `multipart/form-data; boundary="${boundary}"`
      : declared === 'other' ? 'multipart/form-data; boundary=somethingElse'
      : declared === 'empty' ? 'multipart/form-data; boundary='
      : declared === 'mixed' ? `multipart/mixed; boundary=${boundary}`
      : 'multipart/form-data';
    return { kind: `multipart (${parts.length} parts, boundary ${declared}, closing ${closing})`, contentType, body: Buffer.concat([closing === 'early' ? body.subarray(0, Math.floor(body.length / 2)) : body, Buffer.from(tail)]) };
  });

export function bodyArbitrary(op: WriteOperation, hints: Hints): fc.Arbitrary<HostileBody> {
  // A body that is a free-form record (templates) names its fields in the response schema.
  const requestProps = op.jsonBody?.properties;
  const schema: JsonSchema = requestProps && Object.keys(requestProps).length ? op.jsonBody! : { type: 'object', properties: op.responseBody?.properties ?? {}, additionalProperties: op.jsonBody?.additionalProperties };
  const multipart = op.otherMediaTypes.some((t) => t.startsWith('multipart/'));
  return fc.oneof(
    { weight: 2, arbitrary: fc.anything({ maxDepth: 3 }).map(json('fc.anything()')) },
    { weight: 1, arbitrary: fc.json({ maxDepth: 3 }).map((text): HostileBody => ({ kind: 'fc.json()', contentType: 'application/json', body: text })) },
    { weight: 4, arbitrary: hostileObject(schema, 0, hints).map(json('hostile fields')) },
    { weight: 3, arbitrary: oneFieldOff(schema, hints) },
    { weight: 2, arbitrary: awkwardTextBody(schema, hints) },
    { weight: 1, arbitrary: hugeBody(schema, hints) },
    { weight: 1, arbitrary: deepBody(schema, hints) },
    { weight: 1, arbitrary: pollutionBody(schema, hints) },
    {
      weight: 2,
      arbitrary: fc.oneof(fc.constantFrom(...malformedJsonTexts), fc.string({ unit: anyCodeUnit, maxLength: 60 })).map((text): HostileBody => ({ kind: 'malformed JSON', contentType: 'application/json', body: text })),
    },
    { weight: 2, arbitrary: wrongContentType(schema, hints) },
    { weight: 1, arbitrary: rawBytes },
    { weight: 1, arbitrary: encodedBody },
    { weight: multipart ? 6 : 1, arbitrary: multipartGarbage },
    { weight: 1, arbitrary: fc.constantFrom<HostileBody>({ kind: 'no body, no content type' }, { kind: 'empty JSON body', contentType: 'application/json', body: '' }, { kind: 'no body, JSON content type', contentType: 'application/json' }) },
  );
}

// ------------------------------------------------------------------ path parameters

/** A reference to the fixture (resolved when the request is sent: the fixture may be rebuilt) or a literal, URL-encoded segment. */
export type FixtureRef = 'programme' | 'deliverable' | 'notification' | 'organisation' | 'user';
export type Segment = { ref: FixtureRef } | { literal: string };

const UNKNOWN_PROGRAMME = 'prg_00000000-0000-4000-8000-000000000000';
const hostileSegment = fc
  .constantFrom(
    '%00', '%E0%A4%A', '%', '%C0%AF', '..%2F..%2Fetc%2Fpasswd', 'x'.repeat(201), 'x'.repeat(5000), '__proto__', 'constructor', encodeURIComponent("' OR '1'='1"), '%F0%9F%98%80',
    'ABC', '-', '%20', encodeURIComponent('a\u0000b'), '%2F', 'null', 'undefined', encodeURIComponent('\uFEFF'), '%EF%BF%BD', '%ED%A0%80',
  )
  .map((literal): Segment => ({ literal }));
const lit = (...values: string[]) => fc.constantFrom(...values).map((literal): Segment => ({ literal }));
const ref = (r: FixtureRef) => fc.constant<Segment>({ ref: r });

/**
 * Every path parameter a write route may have, keyed by the segment before it and its name, pointing
 * at the fixture, at unknown ids, or hostile. A write route with a parameter not listed here fails the test.
 */
export const SEGMENTS: Record<string, fc.Arbitrary<Segment>> = {
  'programmes/{id}': fc.oneof({ weight: 6, arbitrary: ref('programme') }, { weight: 1, arbitrary: lit(UNKNOWN_PROGRAMME) }, { weight: 1, arbitrary: hostileSegment }),
  'steps/{stepKey}': fc.oneof({ weight: 4, arbitrary: lit('report') }, { weight: 2, arbitrary: lit('kickoff', 'run-trial', 'interviews') }, { weight: 1, arbitrary: lit('no-such-step') }, { weight: 1, arbitrary: hostileSegment }),
  'phases/{phaseKey}': fc.oneof({ weight: 3, arbitrary: lit('trial', 'framing') }, { weight: 1, arbitrary: lit('no-such-phase') }, { weight: 1, arbitrary: hostileSegment }),
  'deliverables/{deliverableId}': fc.oneof({ weight: 4, arbitrary: ref('deliverable') }, { weight: 1, arbitrary: lit('dlv_00000000-0000-4000-8000-000000000000') }, { weight: 1, arbitrary: hostileSegment }),
  'indicators/{key}': fc.oneof({ weight: 3, arbitrary: lit('interviews') }, { weight: 1, arbitrary: lit('no-such-indicator') }, { weight: 1, arbitrary: hostileSegment }),
  'notifications/{id}': fc.oneof({ weight: 3, arbitrary: ref('notification') }, { weight: 1, arbitrary: lit('ntf_00000000-0000-4000-8000-000000000000') }, { weight: 1, arbitrary: hostileSegment }),
  'organisations/{id}': fc.oneof({ weight: 3, arbitrary: ref('organisation') }, { weight: 1, arbitrary: lit('org_00000000-0000-4000-8000-000000000000') }, { weight: 1, arbitrary: hostileSegment }),
  'users/{id}': fc.oneof({ weight: 3, arbitrary: ref('user') }, { weight: 1, arbitrary: lit('usr_00000000-0000-4000-8000-000000000000') }, { weight: 1, arbitrary: hostileSegment }),
  // Archiving the template the other routes start programmes from would turn their runs into refusals.
  'templates/{key}': fc.oneof({ weight: 2, arbitrary: lit('no-such-template') }, { weight: 1, arbitrary: hostileSegment }),
};
export const segmentKey = (p: { name: string; context: string }) => `${p.context}/{${p.name}}`;

/** Query parameters (a signed-link token...): mostly plausible, so that the body is what gets judged, sometimes hostile. */
export function queryArbitrary(op: WriteOperation, hints: Hints): fc.Arbitrary<Record<string, string>> {
  const value = (schema: JsonSchema | undefined, name: string) =>
    fc.oneof({ weight: 4, arbitrary: fc.constant(String(exampleFor(schema ?? { type: 'string' }, name, hints))) }, // Capped: a URL beyond Node's header limit is refused (431) before the application sees it.
    { weight: 1, arbitrary: hostileString.map((v) => v.slice(0, 2000)) });
  return fc.record(Object.fromEntries(op.queryParams.map((q) => [q.name, value(q.schema, q.name)])), { requiredKeys: op.queryParams.filter((q) => q.required).map((q) => q.name) }) as fc.Arbitrary<
    Record<string, string>
  >;
}

export interface HostileCase {
  segments: Record<string, Segment>;
  query: Record<string, string>;
  body: HostileBody;
  idempotencyKey: string | null;
}

export const queryString = (query: Record<string, string>) => (Object.keys(query).length ? `?${new URLSearchParams(query).toString()}` : '');

// ------------------------------------------------------------------ what an answer must look like

const PROBLEM_KEYS = new Set(['type', 'title', 'status', 'detail', 'code', 'requestId', 'errors', 'params']);
const REPO_ROOT = path.resolve(__dirname, '..', '..');
const LEAKS: [string, RegExp][] = [
  ['a stack trace', /\n\s+at\s|\bat\s+\S+\s+\(.*:\d+:\d+\)|at <anonymous>|at async /],
  ['a file path', new RegExp(`${REPO_ROOT.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}|node_modules|\\.(?:ts|js|mjs|cjs):\\d+|file:///(?!etc/passwd)`)],
  ['SQL or database internals', /prisma|postgres|\bSQL\b|violates .*constraint|syntax error at or near|invalid byte sequence|duplicate key value|relation "|column "|\bP\d{4}\b/i],
  ['a JavaScript error', /TypeError|ReferenceError|RangeError|SyntaxError|Cannot read propert|is not a function|is not defined|Maximum call stack|Unexpected token/],
  ['workflow internals', /WorkflowUpdateFailed|ApplicationFailure|grpc|\btemporal\b|activity task/i],
];

export interface Answer {
  status: number;
  contentType: string;
  text: string;
  error?: string;
}

export function problemIssues(a: Answer): string[] {
  if (a.status < 400) return [];
  const issues: string[] = [];
  if (!a.contentType.startsWith('application/problem+json')) issues.push(`content type is "${a.contentType}", not application/problem+json`);
  let p: Record<string, unknown>;
  try {
    p = JSON.parse(a.text) as Record<string, unknown>;
  } catch {
    return [...issues, 'the body is not JSON'];
  }
  if (p === null || typeof p !== 'object' || Array.isArray(p)) return [...issues, 'the body is not a JSON object'];
  for (const k of ['type', 'title', 'detail'] as const) if (typeof p[k] !== 'string' || !(p[k] as string).length) issues.push(`"${k}" is missing or not a non-empty string`);
  if (p.status !== a.status) issues.push(`"status" is ${JSON.stringify(p.status)}, the HTTP status ${a.status}`);
  const stray = Object.keys(p).filter((k) => !PROBLEM_KEYS.has(k));
  if (stray.length) issues.push(`unexpected members ${stray.join(', ')}`);
  // Field paths echo the caller's own keys; everything else must stay free of internals.
  const said = [p.type, p.title, p.detail, p.code, ...(Array.isArray(p.errors) ? p.errors.map((e: { message?: unknown }) => e?.message) : [])].filter((x) => typeof x === 'string').join('\n');
  for (const [what, pattern] of LEAKS) if (pattern.test(said)) issues.push(`it leaks ${what}: ${JSON.stringify(said.slice(0, 400))}`);
  return issues;
}

export function preview(body: string | Uint8Array | undefined): string {
  if (body === undefined) return '(none)';
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('latin1');
  const bytes = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  return `${bytes} bytes ${JSON.stringify(text.length > 300 ? `${text.slice(0, 300)}…` : text)}`;
}
