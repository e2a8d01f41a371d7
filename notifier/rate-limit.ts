import type { Redis } from 'ioredis';

export interface RateLimit {
  /** Messages per window, also the largest burst. */
  max: number;
  windowMs: number;
}

/** Per recipient domain: what large receivers (and their spam filters) accept from one sender without throttling. */
export const DOMAIN_RATE_LIMIT: RateLimit = { max: 30, windowMs: 60_000 };
/**
 * NODE_ENV=test: the integration suite sends hundreds of messages a minute to one made-up
 * domain on the local catcher; the bucket still runs, it just never binds (the rate-limit
 * test passes its own small limit).
 */
export const TEST_DOMAIN_RATE_LIMIT: RateLimit = { max: 10_000, windowMs: 60_000 };

/**
 * Token bucket in Redis, shared by every notifier replica; the clock is Redis's own (TIME),
 * so replicas with skewed clocks agree. Returns 0 when a token was taken, otherwise the
 * milliseconds until one will be available (nothing taken).
 */
const TAKE_TOKEN = `
local capacity = tonumber(ARGV[1])
local refill_ms = tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
tokens = math.min(capacity, tokens + math.max(0, now - at) / refill_ms)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.ceil((1 - tokens) * refill_ms)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(capacity * refill_ms) + 1000)
return wait
`;

export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

export function createDomainRateLimiter(redis: Redis, limit: RateLimit = DOMAIN_RATE_LIMIT) {
  const refillMs = limit.windowMs / limit.max;
  return {
    limit,
    /** 0: go ahead; otherwise wait that many milliseconds and ask again. */
    async take(email: string): Promise<number> {
      const wait = await redis.eval(TAKE_TOKEN, 1, `jalons:notify:rate:${domainOf(email)}`, String(limit.max), String(refillMs));
      return Number(wait);
    },
  };
}
