import fs from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import type { ProgrammeState } from '../../domain/programme-state';
import { apiClient, createOrganisation, createUser, publishTemplates, startHarness, type Harness, type TestUser } from '../support/harness';
import { expectReadModelInSync } from '../support/read-model';
import { allows, fetchOpenApi, fillPath, writeOperations, type JsonSchema, type WriteOperation } from '../support/route-catalogue';
import { engineTestTemplate } from '../support/test-templates';

/**
 * Random and hostile bodies thrown at every write route of the served OpenAPI document, on the
 * real server (Temporal, PostgreSQL, Redis). Whatever arrives:
 *  1. the API never answers 5xx (nor fails to answer);
 *  2. every error is RFC 9457 problem+json (type, title, status, detail) with no stack trace,
 *     SQL, file path or other internal in it;
 *  3. a refused request (4xx) leaves the programme as it was (version and audit sequence of the
 *     workflow, checked against the PostgreSQL read model every few runs); after a 5xx the test
 *     also says whether the programme moved all the same or its read model fell behind.
 * Along the way: no uncaught exception (it would end a real API process), no polluted
 * Object.prototype (the API runs in this process), no half-written upload left behind.
 * Replay a failure with HOSTILE_SEED (and the `path` fast-check prints); HOSTILE_RUNS_SCALE scales the runs.
 */

const SEED = Number(process.env.HOSTILE_SEED ?? 20_260_214);
const RUNS_SCALE = Number(process.env.HOSTILE_RUNS_SCALE ?? 1);
const RUNS: Record<ActorRole, number> = { coordinator: Math.round(60 * RUNS_SCALE), partner: Math.round(30 * RUNS_SCALE), admin: Math.round(40 * RUNS_SCALE) };
/** The read model is compared with the baseline after this many refused requests (and after every route). */
const CHECK_EVERY = 5;
/** Longer than the API's own deadline on a workflow update, so that its answer (not ours) is seen. */
const REQUEST_TIMEOUT_MS = 30_000;
/** Per route and actor, shrinking included: a safety net, runs take milliseconds. */
const ROUTE_TIME_LIMIT_MS = 60_000;
/** A failure slower than this (a request that hangs until the API's deadline) is not shrunk: each try would cost as much. */
const SLOW_FAILURE_MS = 5_000;
const JSON_LIMIT_BYTES = 256 * 1024;

type ActorRole = 'coordinator' | 'partner' | 'admin';

/** Each route and actor draws from its own seed, stable when routes are added or reordered. */
function routeSeed(label: string): number {
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

const POLLUTION_MARK = 'hostilePolluted';
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

type Hints = Record<string, unknown>;

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

function bodyArbitrary(op: WriteOperation, hints: Hints): fc.Arbitrary<HostileBody> {
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
type FixtureRef = 'programme' | 'deliverable' | 'notification' | 'organisation' | 'user';
type Segment = { ref: FixtureRef } | { literal: string };

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
const SEGMENTS: Record<string, fc.Arbitrary<Segment>> = {
  'programmes/{id}': fc.oneof({ weight: 6, arbitrary: ref('programme') }, { weight: 1, arbitrary: lit(UNKNOWN_PROGRAMME) }, { weight: 1, arbitrary: hostileSegment }),
  'steps/{stepKey}': fc.oneof({ weight: 4, arbitrary: lit('report') }, { weight: 2, arbitrary: lit('kickoff', 'run-trial', 'interviews') }, { weight: 1, arbitrary: lit('no-such-step') }, { weight: 1, arbitrary: hostileSegment }),
  'phases/{phaseKey}': fc.oneof({ weight: 3, arbitrary: lit('trial', 'framing') }, { weight: 1, arbitrary: lit('no-such-phase') }, { weight: 1, arbitrary: hostileSegment }),
  'deliverables/{deliverableId}': fc.oneof({ weight: 4, arbitrary: ref('deliverable') }, { weight: 1, arbitrary: lit('dlv_00000000-0000-4000-8000-000000000000') }, { weight: 1, arbitrary: hostileSegment }),
  'indicators/{key}': fc.oneof({ weight: 3, arbitrary: lit('interviews') }, { weight: 1, arbitrary: lit('no-such-indicator') }, { weight: 1, arbitrary: hostileSegment }),
  'notifications/{id}': fc.oneof({ weight: 3, arbitrary: ref('notification') }, { weight: 1, arbitrary: lit('ntf_00000000-0000-4000-8000-000000000000') }, { weight: 1, arbitrary: hostileSegment }),
  'organisations/{id}': fc.oneof({ weight: 3, arbitrary: ref('organisation') }, { weight: 1, arbitrary: lit('org_00000000-0000-4000-8000-000000000000') }, { weight: 1, arbitrary: hostileSegment }),
  'users/{id}': fc.oneof({ weight: 3, arbitrary: ref('user') }, { weight: 1, arbitrary: lit('usr_00000000-0000-4000-8000-000000000000') }, { weight: 1, arbitrary: hostileSegment }),
};
const segmentKey = (p: { name: string; context: string }) => `${p.context}/{${p.name}}`;

/** Query parameters (a signed-link token...): mostly plausible, so that the body is what gets judged, sometimes hostile. */
function queryArbitrary(op: WriteOperation, hints: Hints): fc.Arbitrary<Record<string, string>> {
  const value = (schema: JsonSchema | undefined, name: string) =>
    fc.oneof({ weight: 4, arbitrary: fc.constant(String(exampleFor(schema ?? { type: 'string' }, name, hints))) }, // Capped: a URL beyond Node's header limit is refused (431) before the application sees it.
    { weight: 1, arbitrary: hostileString.map((v) => v.slice(0, 2000)) });
  return fc.record(Object.fromEntries(op.queryParams.map((q) => [q.name, value(q.schema, q.name)])), { requiredKeys: op.queryParams.filter((q) => q.required).map((q) => q.name) }) as fc.Arbitrary<
    Record<string, string>
  >;
}

interface HostileCase {
  segments: Record<string, Segment>;
  query: Record<string, string>;
  body: HostileBody;
  idempotencyKey: string | null;
}

const queryString = (query: Record<string, string>) => (Object.keys(query).length ? `?${new URLSearchParams(query).toString()}` : '');

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

interface Answer {
  status: number;
  contentType: string;
  text: string;
  error?: string;
}

function problemIssues(a: Answer): string[] {
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

function preview(body: string | Uint8Array | undefined): string {
  if (body === undefined) return '(none)';
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('latin1');
  const bytes = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  return `${bytes} bytes ${JSON.stringify(text.length > 300 ? `${text.slice(0, 300)}…` : text)}`;
}

// ------------------------------------------------------------------ the test

describe('hostile input on every write route', () => {
  let h: Harness;
  let api: ReturnType<typeof apiClient>;
  const templateKey = `hostile-${Date.now()}`;
  let orgC: string, orgX: string, orgY: string;
  let fixtureCoordinator: TestUser;
  let fixtureContractor: TestUser;

  interface Actor {
    id: string;
    role: ActorRole;
    organisationId?: string;
    token: string;
    sessions: number;
  }
  const actors = {} as Record<ActorRole, Actor>;

  /** The programme the routes aim at: kickoff done, the contractor's report active with one deliverable awaiting review. */
  let fixture: Record<FixtureRef, string> & { programmeId: string; builds: number } = { programme: '', programmeId: '', deliverable: '', notification: '', organisation: '', user: '', builds: 0 };
  let baseline: ProgrammeState;
  let fixtureSuspect = false;

  async function newActor(role: ActorRole, organisationId?: string): Promise<Actor> {
    const user = await createUser(h, role, organisationId);
    return { id: user.id, role, organisationId, token: user.token, sessions: 1 };
  }

  async function buildFixture(): Promise<void> {
    // A programme left wedged by a failure would retry its projection forever: stop it.
    if (fixtureSuspect && fixture.programmeId) await h.client.workflow.getHandle(fixture.programmeId).terminate('left inconsistent by the hostile-input test').catch(() => undefined);
    const started = await api.post('/api/v1/programmes', { templateKey, title: 'Cible des entrées hostiles', startDate: '2026-11-28', params: { slots: { contractor: orgC } } }, fixtureCoordinator.token);
    if (started.status !== 201) throw new Error(`fixture: start answered ${started.status} ${JSON.stringify(started.body)}`);
    const id: string = started.body.id;
    // The acting coordinator is on the programme's team, so its writes reach the lifecycle.
    const team = await api.call('PUT', `/api/v1/programmes/${id}/team`, { body: { members: [actors.coordinator.id] }, token: fixtureCoordinator.token });
    if (team.status !== 200) throw new Error(`fixture: team answered ${team.status} ${JSON.stringify(team.body)}`);
    const kickoff = await api.post(`/api/v1/programmes/${id}/steps/kickoff/complete`, {}, fixtureCoordinator.token);
    if (kickoff.status !== 200) throw new Error(`fixture: kickoff answered ${kickoff.status} ${JSON.stringify(kickoff.body)}`);
    const d = await api.post(`/api/v1/programmes/${id}/steps/report/deliverables`, { title: 'Rapport', url: 'https://example.org/rapport.pdf' }, fixtureContractor.token);
    if (d.status !== 201) throw new Error(`fixture: deliverable answered ${d.status} ${JSON.stringify(d.body)}`);
    // A notification of the programme (step assigned...) for routes that act on one; an unknown id when there is none.
    const notification = await h.prisma.notification.findFirst({ where: { programmeId: id }, select: { id: true } });
    fixture = { ...fixture, programme: id, programmeId: id, deliverable: d.body.id, notification: notification?.id ?? 'ntf_none', builds: fixture.builds + 1 };
    baseline = await expectReadModelInSync(h, id);
    fixtureSuspect = false;
  }

  /** A due date within minutes means reminder timers will move the state on their own. */
  const timersSoon = (s: ProgrammeState) => s.status === 'active' && s.steps.some((st) => st.status === 'active' && st.dueAt !== undefined && Date.parse(st.dueAt) - Date.now() < 180_000);
  const fresh = (s: ProgrammeState) =>
    s.status === 'active' &&
    !timersSoon(s) &&
    s.steps.find((st) => st.key === 'report')?.status === 'active' &&
    s.steps.find((st) => st.key === 'report')?.deliverables.find((d) => d.id === fixture.deliverable)?.status === 'submitted';

  /** The API runs in this process: an error nobody listens for (an 'error' event on a stream...) would end a real server. */
  const uncaught: string[] = [];
  let capturing = false;

  beforeAll(async () => {
    try {
      process.setUncaughtExceptionCaptureCallback((err) => uncaught.push(err instanceof Error ? (err.stack ?? err.message) : String(err)));
      capturing = true;
    } catch {
      /* someone else captures them: they will still fail the run */
    }
    h = await startHarness({ notifier: false });
    api = apiClient(h.apiUrl);
    await publishTemplates(h.prisma, [engineTestTemplate(templateKey)]);
    [orgC, orgX, orgY] = await Promise.all([createOrganisation(h), createOrganisation(h), createOrganisation(h)]);
    fixtureCoordinator = await createUser(h, 'coordinator');
    fixtureContractor = await createUser(h, 'partner', orgC);
    actors.coordinator = await newActor('coordinator');
    actors.partner = await newActor('partner', orgC);
    actors.admin = await newActor('admin');
    // Offboarding routes aim at an organisation and a user of their own: archiving or deactivating them touches nothing else.
    fixture.organisation = await createOrganisation(h);
    fixture.user = (await createUser(h, 'partner', fixture.organisation)).id;
    await buildFixture();
  });
  afterAll(async () => {
    await h?.stop();
    if (capturing) process.setUncaughtExceptionCaptureCallback(null);
  });

  it('never answers 5xx, answers every error as a clean problem, and changes nothing when it refuses', async () => {
    const started = Date.now();
    const doc = await fetchOpenApi(h.apiUrl);
    const ops = writeOperations(doc);
    expect(ops.length).toBeGreaterThan(10);
    // A new write route must say how its path parameters are built, or this test fails.
    const unbuildable = ops.flatMap((op) => op.pathParams.filter((p) => !(segmentKey(p) in SEGMENTS)).map((p) => `${op.method} ${op.path}: no builder for ${segmentKey(p)}`));
    expect(unbuildable).toEqual([]);

    const hints: Hints = { templateKey, organisationId: orgY, assignee: orgX, phaseKey: 'trial', slot: 'contractor', decision: 'rejected', childKey: 'no-such-child', kind: 'report' };
    const prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    const uploadsTmp = path.join(h.config.dataDir, 'uploads', 'tmp');
    const failures: string[] = [];
    const summary: { route: string; actor: ActorRole; runs: number; statuses: Record<string, number>; ms: number }[] = [];

    for (const op of ops) {
      // Every route as a coordinator; as an admin where coordinators may not call it; as a partner where partners may.
      const roles: ActorRole[] = ['coordinator'];
      if (!allows(op, 'coordinator') && allows(op, 'admin')) roles.push('admin');
      if (op.access !== 'public' && op.access !== 'signedIn' && op.access.includes('partner')) roles.push('partner');

      for (const role of roles) {
        const actor = actors[role];
        const label = `${op.method} ${op.path} as ${role}`;
        const routeStarted = Date.now();
        const statuses: Record<string, number> = {};
        let runs = 0;
        let sinceCheck = 0;
        /** Refused requests sent since the read model was last compared with the baseline. */
        let unchecked: string[] = [];

        try {
          if (fixtureSuspect) await buildFixture();
          const state = await expectReadModelInSync(h, fixture.programmeId);
          if (!fresh(state)) await buildFixture();
          else baseline = state;
        } catch (err) {
          failures.push(`before ${label}: the fixture's read model no longer matches its workflow (left so by an earlier route): ${(err as Error).message.slice(0, 2000)}`);
          fixtureSuspect = true;
          await buildFixture();
        }

        const describeCase = (c: HostileCase) => {
          const segments = Object.fromEntries(Object.entries(c.segments).map(([k, s]) => [k, 'ref' in s ? `<fixture ${s.ref}>` : s.literal]));
          return `${op.method} ${fillPath(op.path, segments)}${queryString(c.query)} as ${role} — ${c.body.kind}; Content-Type: ${c.body.contentType ?? '(none)'}${c.body.contentEncoding ? `; Content-Encoding: ${c.body.contentEncoding}` : ''}${c.idempotencyKey ? `; Idempotency-Key: ${c.idempotencyKey}` : ''}; body ${preview(c.body.body)}`;
        };
        const caseArbitrary = fc
          .record({
            segments: fc.record(Object.fromEntries(op.pathParams.map((p) => [p.name, SEGMENTS[segmentKey(p)]!]))) as fc.Arbitrary<Record<string, Segment>>,
            query: queryArbitrary(op, hints),
            body: bodyArbitrary(op, hints),
            // Shared keys reused across routes: a retry key must not answer another route's result.
            idempotencyKey: fc.option(fc.constantFrom('hostile-shared-1', 'hostile-shared-2', 'x'.repeat(250)), { freq: 8 }),
          })
          .map((c) => Object.assign(c, { [fc.toStringMethod]: () => describeCase(c) }));

        async function send(c: HostileCase): Promise<Answer & { url: string }> {
          const segments = Object.fromEntries(Object.entries(c.segments).map(([k, s]) => [k, 'literal' in s ? s.literal : encodeURIComponent(fixture[s.ref])]));
          const url = `${h.apiUrl}${fillPath(op.path, segments)}${queryString(c.query)}`;
          const headers: Record<string, string> = { Authorization: `Bearer ${actor.token}` };
          if (c.body.contentType !== undefined) headers['Content-Type'] = c.body.contentType;
          if (c.body.contentEncoding !== undefined) headers['Content-Encoding'] = c.body.contentEncoding;
          if (c.idempotencyKey !== null) headers['Idempotency-Key'] = c.idempotencyKey;
          // Bytes, not a string: fetch would otherwise add a text/plain content type of its own.
          const body = typeof c.body.body === 'string' ? Buffer.from(c.body.body) : c.body.body;
          try {
            const res = await fetch(url, { method: op.method, headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
            return { url, status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
          } catch (err) {
            return { url, status: 0, contentType: '', text: '', error: `${(err as Error).name}: ${(err as Error).message}${(err as { cause?: Error }).cause ? ` (${(err as { cause?: Error }).cause?.message})` : ''}` };
          }
        }

        /** Compares the fixture's workflow state and read model with the baseline. */
        async function expectUnchanged(): Promise<void> {
          const batch = unchecked;
          unchecked = [];
          sinceCheck = 0;
          let now: ProgrammeState;
          try {
            now = await expectReadModelInSync(h, fixture.programmeId);
          } catch (err) {
            fixtureSuspect = true;
            throw new Error(`The read model no longer matches the workflow after these refused requests:\n  ${batch.join('\n  ')}\n${(err as Error).message}`);
          }
          if (now.version !== baseline.version || now.eventSeq !== baseline.eventSeq) {
            const was = baseline;
            baseline = now;
            throw new Error(`The programme changed (version ${was.version} → ${now.version}, eventSeq ${was.eventSeq} → ${now.eventSeq}) although every request since the last check was refused:\n  ${batch.join('\n  ')}`);
          }
        }

        /** After a 5xx or no answer: did the programme change all the same, or is its read model left behind? */
        async function afterFailure(): Promise<string> {
          unchecked = [];
          sinceCheck = 0;
          try {
            const now = await expectReadModelInSync(h, fixture.programmeId);
            const was = baseline;
            baseline = now;
            return now.version !== was.version || now.eventSeq !== was.eventSeq ? `\nand the programme changed all the same (version ${was.version} → ${now.version}, eventSeq ${was.eventSeq} → ${now.eventSeq})` : '';
          } catch (err) {
            fixtureSuspect = true;
            return `\nand the programme's read model no longer matches its workflow: ${(err as Error).message.slice(0, 1500)}`;
          }
        }

        /** A 2xx is legitimate: the caller's session may have ended (logout), the programme may have moved (re-read it). */
        async function afterSuccess(): Promise<void> {
          if ((await api.get('/api/v1/me', actor.token)).status === 401) {
            const user = await createUser(h, actor.role, actor.organisationId);
            Object.assign(actor, { id: user.id, token: user.token, sessions: actor.sessions + 1 });
            if (actor.role === 'coordinator') await api.call('PUT', `/api/v1/programmes/${fixture.programmeId}/team`, { body: { members: [actor.id] }, token: fixtureCoordinator.token });
          }
          try {
            const now = await expectReadModelInSync(h, fixture.programmeId);
            if (timersSoon(now)) await buildFixture();
            else baseline = now;
          } catch (err) {
            fixtureSuspect = true;
            throw new Error(`After an accepted request the read model no longer matches the workflow: ${(err as Error).message}`);
          }
          unchecked = [];
          sinceCheck = 0;
        }

        let slowFailure = false;
        const property = fc.asyncProperty(caseArbitrary, async (c) => {
          // Shrinking a failure that took the API's whole deadline would take as long again per try: report it as found.
          if (slowFailure) return;
          if (fixtureSuspect) await buildFixture();
          runs += 1;
          const sentAt = Date.now();
          const answer = await send(c);
          // An uncaught error surfaces on the next ticks after the request ends.
          await new Promise((r) => setTimeout(r, c.body.contentType?.startsWith('multipart/') ? 20 : 0));
          if (uncaught.length) throw new Error(`An uncaught exception, which ends the API process, followed this request (answered ${answer.status}):\n${uncaught.splice(0).join('\n')}`);
          if ((answer.status === 0 || answer.status >= 500) && Date.now() - sentAt > SLOW_FAILURE_MS) slowFailure = true;
          statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
          if (answer.status === 0 || answer.status >= 500) {
            throw new Error(`${answer.status === 0 ? `No HTTP answer: ${answer.error}` : `Answered ${answer.status}: ${answer.text.slice(0, 1000)}`}${await afterFailure()}`);
          }
          const issues = problemIssues(answer);
          if (issues.length) throw new Error(`Answered ${answer.status} with a malformed problem: ${issues.join('; ')}\n${answer.text.slice(0, 1000)}`);
          if (answer.status < 300) {
            await afterSuccess();
            return;
          }
          unchecked.push(`${answer.status} ← ${describeCase(c)}`);
          if (++sinceCheck >= CHECK_EVERY) await expectUnchanged();
        });

        const details = await fc.check(property, {
          seed: routeSeed(label),
          numRuns: RUNS[role],
          plugins: [fc.interruptAfterTimeLimit(ROUTE_TIME_LIMIT_MS, { failOnInterrupt: true })],
        });
        if (details.failed) failures.push(`${label} (HOSTILE_SEED=${SEED})\n${fc.defaultReportMessage(details) ?? ''}\nError: ${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}`);
        else {
          try {
            await expectUnchanged();
          } catch (err) {
            failures.push(`${label}: ${(err as Error).message}`);
          }
        }

        // The server runs in this process: a polluted Object.prototype would show here.
        const polluted = Object.getOwnPropertyNames(Object.prototype).sort();
        if (JSON.stringify(polluted) !== JSON.stringify(prototypeKeys) || (({}) as Record<string, unknown>)[POLLUTION_MARK] !== undefined) {
          failures.push(`${label}: Object.prototype was polluted: ${polluted.filter((k) => !prototypeKeys.includes(k)).join(', ')}`);
          delete (Object.prototype as Record<string, unknown>)[POLLUTION_MARK];
        }
        if (uncaught.length) failures.push(`${label}: uncaught exception(s), which end the API process, after the route's requests:\n${uncaught.splice(0).join('\n')}`);
        // Refused uploads leave no half-written file behind.
        const leftovers = fs.existsSync(uploadsTmp) ? fs.readdirSync(uploadsTmp) : [];
        if (leftovers.length) failures.push(`${label}: ${leftovers.length} temporary upload file(s) left in ${uploadsTmp}`);

        summary.push({ route: `${op.method} ${op.path}`, actor: role, runs, statuses, ms: Date.now() - routeStarted });
      }
    }

    const total = summary.reduce((n, s) => n + s.runs, 0);
    process.stdout.write(
      `\n[hostile-input] seed ${SEED}: ${total} requests on ${ops.length} write routes (${summary.length} route × role properties), fixture built ${fixture.builds} time(s), ${Math.round((Date.now() - started) / 100) / 10} s\n` +
        summary.map((s) => `  ${s.route.padEnd(72)} ${s.actor.padEnd(11)} ${String(s.runs).padStart(3)} runs ${String(s.ms).padStart(6)} ms  ${JSON.stringify(s.statuses)}`).join('\n') +
        '\n',
    );
    expect(failures).toEqual([]);
  }, 600_000);
});
