import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Links in e-mails that open a user's notification preferences without signing in, and
 * one-click unsubscribe from the digest (RFC 8058). The token is the user id with an HMAC;
 * the key lives in Redis (created once by whichever process needs it first), so the API and
 * every notifier replica agree without a configuration key. Losing Redis invalidates old links,
 * which only sends people to the sign-in page.
 */
const SECRET_KEY = 'jalons:secret:preference-links';
const secrets = new WeakMap<Redis, Promise<Buffer>>();

export function loadLinkSecret(redis: Redis): Promise<Buffer> {
  let secret = secrets.get(redis);
  if (!secret) {
    secret = (async () => {
      await redis.set(SECRET_KEY, randomBytes(32).toString('base64url'), 'NX');
      const value = await redis.get(SECRET_KEY);
      if (!value) throw new Error('preference link secret missing from Redis');
      return Buffer.from(value, 'base64url');
    })();
    secret.catch(() => secrets.delete(redis));
    secrets.set(redis, secret);
  }
  return secret;
}

function mac(secret: Buffer, userId: string): Buffer {
  return createHmac('sha256', secret).update(`notification-preferences:${userId}`).digest();
}

export function signPreferenceToken(secret: Buffer, userId: string): string {
  return `${Buffer.from(userId).toString('base64url')}.${mac(secret, userId).toString('base64url')}`;
}

/** The user id the token was signed for, or undefined. */
export function verifyPreferenceToken(secret: Buffer, token: string): string | undefined {
  const [encodedUser, encodedMac] = token.split('.');
  if (!encodedUser || !encodedMac) return undefined;
  const userId = Buffer.from(encodedUser, 'base64url').toString();
  const given = Buffer.from(encodedMac, 'base64url');
  const expected = mac(secret, userId);
  return given.length === expected.length && timingSafeEqual(given, expected) ? userId : undefined;
}

export function preferencesUrl(appUrl: string, token: string): string {
  return `${appUrl}/preferences?token=${encodeURIComponent(token)}`;
}

/**
 * RFC 8058 one-click target. From a digest it leaves the digest (`immediate`, the default); from
 * a single message it stops the messages one by one (`digest`: they come once a day instead).
 */
export function oneClickUnsubscribeUrl(appUrl: string, token: string, to: 'immediate' | 'digest' = 'immediate'): string {
  return `${appUrl}/api/v1/notification-preferences/unsubscribe?token=${encodeURIComponent(token)}${to === 'digest' ? '&to=digest' : ''}`;
}
