import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { PrismaClient } from '../generated/prisma/client';
import { AppError } from './errors';

/**
 * Idempotency-Key (IETF httpapi draft "The Idempotency-Key HTTP Header Field") for every write route,
 * in one place: mountRoute (server/http.ts) claims the key before the handler runs and records the
 * answer after it.
 *  - Keys are scoped per caller (the signed-in user; `anonymous` for public routes, whose requests
 *    are told apart by their fingerprint, which includes the body).
 *  - Same key, same request (method, path, query, body): the first answer (status and body) again,
 *    with `Idempotent-Replayed: true`; the handler does not run twice.
 *  - Same key, another request: 422 `idempotency_key_reused`.
 *  - Same key while the first request still runs: 409 `idempotency_request_in_progress`. A first request
 *    whose API process died (killed, crashed) is taken over by the retry: each process keeps a Redis
 *    heartbeat of a few seconds, and a pending key whose owner has none is free again.
 *  - Answers below 500 (429 excepted) are kept; a 5xx or a dependency failure releases the key so a
 *    retry runs again (Temporal updates keep their own id, derived from the key, so a retried update is
 *    still applied once).
 *  - Records live 24 h in PostgreSQL (`idempotency_keys`). Neither the key nor the answer is stored in
 *    clear: the row id is a hash of (caller, key) and the answer (which may hold an invitation link or a
 *    calendar feed token) is encrypted with a key derived from the Idempotency-Key, which only the client holds.
 */
export const IDEMPOTENCY_KEY_MIN_LENGTH = 1;
export const IDEMPOTENCY_KEY_MAX_LENGTH = 200;
export const IDEMPOTENCY_TTL_HOURS = 24;
/** A first request still "pending" after this long is taken over whatever its owner's heartbeat says. */
const PENDING_LEASE_SECONDS = 300;
/** An API process is alive while its heartbeat key lives (refreshed every second). */
const HEARTBEAT_TTL_MS = 3000;
const heartbeatKey = (owner: string) => `jalons:api-process:${owner}`;

export interface StoredAnswer {
  status: number;
  contentType: string;
  body: string;
}

export interface IdempotencyClaim {
  /** Records the answer to replay. */
  complete(answer: StoredAnswer): Promise<void>;
  /** Forgets the key (the request failed in a way a retry may fix). */
  release(): Promise<void>;
}

export type ClaimResult = { kind: 'claimed'; claim: IdempotencyClaim } | { kind: 'replay'; answer: StoredAnswer };

export function validateIdempotencyKey(key: string): void {
  if (key.length < IDEMPOTENCY_KEY_MIN_LENGTH || key.length > IDEMPOTENCY_KEY_MAX_LENGTH) {
    throw new AppError('validation_failed', `Idempotency-Key must have ${IDEMPOTENCY_KEY_MIN_LENGTH} to ${IDEMPOTENCY_KEY_MAX_LENGTH} characters.`, [
      { path: 'headers.idempotency-key', message: `${IDEMPOTENCY_KEY_MIN_LENGTH} to ${IDEMPOTENCY_KEY_MAX_LENGTH} characters`, code: 'length_between', params: { minimum: IDEMPOTENCY_KEY_MIN_LENGTH, maximum: IDEMPOTENCY_KEY_MAX_LENGTH } },
    ]);
  }
}

/** A piece of output text on canonicalJson's work stack (as opposed to a value still to write). */
class Text {
  constructor(readonly text: string) {}
}

/**
 * JSON with object keys sorted, so that `{a,b}` and `{b,a}` are the same request. Iterative: a body
 * nested thousands deep (the JSON parser accepts it) must not exhaust the call stack.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  const stack: unknown[] = [value];
  while (stack.length) {
    const item = stack.pop();
    if (item instanceof Text) {
      out.push(item.text);
    } else if (Array.isArray(item)) {
      const parts: unknown[] = [new Text('[')];
      item.forEach((v, i) => parts.push(...(i ? [new Text(',')] : []), v));
      parts.push(new Text(']'));
      for (let i = parts.length - 1; i >= 0; i--) stack.push(parts[i]);
    } else if (item !== null && typeof item === 'object') {
      const parts: unknown[] = [new Text('{')];
      Object.keys(item)
        .sort()
        .forEach((k, i) => parts.push(new Text(`${i ? ',' : ''}${JSON.stringify(k)}:`), (item as Record<string, unknown>)[k]));
      parts.push(new Text('}'));
      for (let i = parts.length - 1; i >= 0; i--) stack.push(parts[i]);
    } else {
      out.push(JSON.stringify(item) ?? 'null');
    }
  }
  return out.join('');
}

export interface RequestShape {
  method: string;
  path: string;
  query: unknown;
  /** The parsed JSON body, or a digest of a multipart body's fields and file. */
  body: unknown;
}

export function createIdempotencyStore(prisma: PrismaClient, redis: Redis) {
  let lastSweep = 0;
  const owner = randomUUID();
  const beat = () => redis.set(heartbeatKey(owner), '1', 'PX', HEARTBEAT_TTL_MS).catch(() => undefined);
  void beat();
  const heartbeat = setInterval(beat, 1000);
  heartbeat.unref();

  /** A pending key whose process has no heartbeat any more: the retry takes it (one winner, compare-and-set on the owner). */
  async function takeOverFromDeadOwner(id: string, deadOwner: string): Promise<boolean> {
    let alive: number;
    try {
      alive = await redis.exists(heartbeatKey(deadOwner));
    } catch {
      return false; // cannot tell: treat it as running
    }
    if (alive) return false;
    const taken = await prisma.$executeRaw`UPDATE idempotency_keys SET owner = ${owner}, created_at = now() WHERE id = ${id} AND state = 'pending' AND owner = ${deadOwner}`;
    return taken === 1;
  }

  /** Expired rows go away at most once a minute per process, in the background of a claim. */
  function sweep(): void {
    if (Date.now() - lastSweep < 60_000) return;
    lastSweep = Date.now();
    prisma.$executeRaw`DELETE FROM idempotency_keys WHERE expires_at < now()`.catch(() => undefined);
  }

  async function claim(callerId: string, key: string, request: RequestShape): Promise<ClaimResult> {
    const secret = createHash('sha256').update(`jalons-idempotency\n${callerId}\n${key}`).digest();
    const id = createHash('sha256').update(`jalons-idempotency-id\n${callerId}\n${key}`).digest('hex');
    const fingerprint = createHmac('sha256', secret)
      .update(canonicalJson([request.method.toUpperCase(), request.path, request.query ?? {}, request.body ?? null]))
      .digest('hex');
    sweep();
    // Takes the key when it is new, expired, or left pending by a request that died.
    const taken = await prisma.$queryRaw<{ id: string }[]>`
      INSERT INTO idempotency_keys (id, caller_id, fingerprint, state, owner, expires_at)
      VALUES (${id}, ${callerId}, ${fingerprint}, 'pending', ${owner}, now() + make_interval(hours => ${IDEMPOTENCY_TTL_HOURS}))
      ON CONFLICT (id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint, state = 'pending', owner = EXCLUDED.owner, status = NULL, content_type = NULL, body = NULL, created_at = now(), expires_at = EXCLUDED.expires_at
        WHERE idempotency_keys.expires_at < now()
           OR (idempotency_keys.state = 'pending' AND idempotency_keys.fingerprint = EXCLUDED.fingerprint AND idempotency_keys.created_at < now() - make_interval(secs => ${PENDING_LEASE_SECONDS}))
      RETURNING id`;
    if (taken.length === 0) {
      const row = await prisma.idempotencyKey.findUnique({ where: { id } });
      if (!row) return claim(callerId, key, request); // released in between
      if (row.fingerprint !== fingerprint) {
        throw new AppError('idempotency_key_reused', 'This Idempotency-Key was already used for another request; use a new key for a new request.');
      }
      if (row.state === 'done' && row.status !== null && row.body !== null) {
        return { kind: 'replay', answer: { status: row.status, contentType: row.contentType ?? 'application/json', body: decrypt(secret, row.body) } };
      }
      if (row.owner === owner || !(await takeOverFromDeadOwner(id, row.owner))) {
        throw new AppError('idempotency_request_in_progress', 'A request with this Idempotency-Key is still being processed; retry in a moment.', undefined, 1);
      }
    }
    return {
      kind: 'claimed',
      claim: {
        async complete(answer) {
          await prisma.idempotencyKey.update({ where: { id }, data: { state: 'done', status: answer.status, contentType: answer.contentType, body: encrypt(secret, answer.body) } });
        },
        async release() {
          await prisma.idempotencyKey.deleteMany({ where: { id, state: 'pending', owner } });
        },
      },
    };
  }

  return {
    claim,
    /** Stops the heartbeat (the process is stopping); its pending keys become free within seconds. */
    close() {
      clearInterval(heartbeat);
    },
  };
}
export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;

function encrypt(secret: Buffer, text: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', secret, iv);
  const data = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), data]).toString('base64');
}

function decrypt(secret: Buffer, stored: string): string {
  const raw = Buffer.from(stored, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', secret, raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
}
