import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Request, Response } from 'express';
import type { Redis } from 'ioredis';
import type { PrismaClient } from '../generated/prisma/client';
import type { Role } from '../generated/prisma/enums';
import { AppError } from './errors';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  organisationId: string | null;
  locale: string;
}

export const SESSION_COOKIE = 'jalons_session';
export const CSRF_COOKIE = 'jalons_csrf';
const SESSION_TTL_SECONDS = 7 * 24 * 3600;
/** Failed sign-ins only are counted, for 15 minutes from the first: per account and per address. */
const LOGIN_WINDOW_SECONDS = 15 * 60;
export const LOGIN_MAX_FAILURES_PER_ACCOUNT = 10;
/** Higher: an office behind one address holds many people (a success does not clear it). */
export const LOGIN_MAX_FAILURES_PER_ADDRESS = 50;
/** Calendar feed tokens carry this prefix, so that one offered as a bearer is recognised and refused. */
export const CALENDAR_TOKEN_PREFIX = 'cal_';

// argon2id, memory-hard; parameters from OWASP's password storage guidance.
export const hashPassword = (password: string) => hash(password, { memoryCost: 19_456, timeCost: 2, parallelism: 1 });
export const verifyPassword = (passwordHash: string, password: string) => verify(passwordHash, password).catch(() => false);

const INVITATION_TTL_SECONDS = 7 * 24 * 3600;
const invitationKey = (token: string) => `jalons:invitation:${createHash('sha256').update(token).digest('hex')}`;
const sessionKey = (token: string) => `jalons:session:${createHash('sha256').update(token).digest('hex')}`;
const userSessionsKey = (userId: string) => `jalons:user-sessions:${userId}`;
const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
export const CALENDAR_FEED_PATH = '/api/v1/calendar.ics';

export function toSessionUser(u: { id: string; email: string; name: string; role: Role; organisationId: string | null; locale: string }): SessionUser {
  return { id: u.id, email: u.email, name: u.name, role: u.role, organisationId: u.organisationId, locale: u.locale };
}

export function createAuth({ prisma, redis, secureCookies }: { prisma: PrismaClient; redis: Redis; secureCookies: boolean }) {
  const failureKeys = (req: Request, email: string) => ({ account: `jalons:login-failures:account:${email.toLowerCase()}`, address: `jalons:login-failures:address:${req.ip}` });

  /** Refuses a sign-in while the account or the address has too many recent failures, saying for how many minutes. */
  async function refuseWhileLocked(req: Request, email: string): Promise<void> {
    const keys = failureKeys(req, email);
    const replies = (await redis.multi().get(keys.account).ttl(keys.account).get(keys.address).ttl(keys.address).exec()) ?? [];
    const [account, accountTtl, address, addressTtl] = replies.map(([err, value]) => {
      if (err) throw err;
      return value as string | number | null;
    });
    const locks = [
      Number(account ?? 0) >= LOGIN_MAX_FAILURES_PER_ACCOUNT ? Number(accountTtl) : 0,
      Number(address ?? 0) >= LOGIN_MAX_FAILURES_PER_ADDRESS ? Number(addressTtl) : 0,
    ];
    const seconds = Math.max(...locks.map((t) => (t > 0 ? t : 0)));
    if (seconds > 0) {
      const minutes = Math.ceil(seconds / 60);
      throw new AppError('sign_in_locked', `Too many failed sign-ins; try again in ${minutes} minute(s).`, undefined, seconds, { minutes });
    }
  }

  async function countFailure(req: Request, email: string): Promise<void> {
    const keys = failureKeys(req, email);
    // The window starts at the first failure (EXPIRE NX) and is not pushed back by later ones.
    await redis.multi().incr(keys.account).expire(keys.account, LOGIN_WINDOW_SECONDS, 'NX').incr(keys.address).expire(keys.address, LOGIN_WINDOW_SECONDS, 'NX').exec();
  }

  async function findCalendarUser(token: string): Promise<SessionUser | undefined> {
    if (!token.startsWith(CALENDAR_TOKEN_PREFIX)) return undefined;
    const user = await prisma.user.findUnique({ where: { calendarTokenHash: hashToken(token) } });
    return user && !user.deactivatedAt ? toSessionUser(user) : undefined;
  }

  // Sessions seen in the last minute, used only while Redis is unreachable: reads keep working
  // through an outage; revocation stays immediate whenever Redis answers.
  const recentSessions = new Map<string, { userId: string; until: number }>();
  async function lookUpSession(token: string): Promise<string | null> {
    const key = sessionKey(token);
    try {
      const userId = await redis.get(key);
      if (userId) recentSessions.set(key, { userId, until: Date.now() + 60_000 });
      else recentSessions.delete(key);
      if (recentSessions.size > 10_000) recentSessions.delete(recentSessions.keys().next().value!);
      return userId;
    } catch {
      const cached = recentSessions.get(key);
      if (cached && cached.until > Date.now()) return cached.userId;
      throw new AppError('dependency_unavailable', 'Sessions are unavailable for a moment (Redis); retry shortly.', undefined, 5);
    }
  }

  async function startSession(res: Response, userId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    // The user's sessions are listed too, so that deactivating the user ends them all.
    await redis.multi().set(sessionKey(token), userId, 'EX', SESSION_TTL_SECONDS).sadd(userSessionsKey(userId), sessionKey(token)).expire(userSessionsKey(userId), SESSION_TTL_SECONDS).exec();
    const cookie = { httpOnly: true, sameSite: 'lax' as const, secure: secureCookies, maxAge: SESSION_TTL_SECONDS * 1000, path: '/' };
    res.cookie(SESSION_COOKIE, token, cookie);
    res.cookie(CSRF_COOKIE, randomBytes(16).toString('base64url'), { ...cookie, httpOnly: false });
    return token;
  }

  return {
    async login(req: Request, res: Response, email: string, password: string): Promise<{ user: SessionUser; token: string }> {
      await refuseWhileLocked(req, email);
      const user = await prisma.user.findUnique({ where: { email: email.toLowerCase() } });
      // Same answer for unknown e-mail and wrong password: no account enumeration.
      if (!user?.passwordHash || !(await verifyPassword(user.passwordHash, password))) {
        await countFailure(req, email);
        throw new AppError('unauthenticated', 'Wrong e-mail or password.');
      }
      // A deactivated account gets the same answer as a wrong password.
      if (user.deactivatedAt) throw new AppError('unauthenticated', 'Wrong e-mail or password.');
      // A success clears the account's failures (not the address's: others share it).
      await redis.del(failureKeys(req, email).account);
      return { user: toSessionUser(user), token: await startSession(res, user.id) };
    },

    /** A new calendar feed token for the user (the previous one stops working); only its hash is kept. */
    async issueCalendarToken(userId: string): Promise<{ token: string; createdAt: Date }> {
      const token = `${CALENDAR_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
      const createdAt = new Date();
      await prisma.user.update({ where: { id: userId }, data: { calendarTokenHash: hashToken(token), calendarTokenCreatedAt: createdAt } });
      return { token, createdAt };
    },

    async revokeCalendarToken(userId: string): Promise<void> {
      await prisma.user.update({ where: { id: userId }, data: { calendarTokenHash: null, calendarTokenCreatedAt: null } });
    },

    /** A single-use, expiring link for someone outside the agency to set a password. */
    async createInvitation(userId: string): Promise<{ token: string; expiresAt: string }> {
      const token = randomBytes(32).toString('base64url');
      await redis.set(invitationKey(token), userId, 'EX', INVITATION_TTL_SECONDS);
      return { token, expiresAt: new Date(Date.now() + INVITATION_TTL_SECONDS * 1000).toISOString() };
    },

    async acceptInvitation(res: Response, token: string, password: string): Promise<{ user: SessionUser; token: string }> {
      // GETDEL makes the link single-use even when two requests race.
      const userId = await redis.getdel(invitationKey(token));
      const invited = userId ? await prisma.user.findUnique({ where: { id: userId }, select: { deactivatedAt: true } }) : null;
      if (!userId || !invited || invited.deactivatedAt) throw new AppError('not_found', 'This invitation link is unknown, already used or expired.');
      const user = await prisma.user.update({ where: { id: userId }, data: { passwordHash: await hashPassword(password) } });
      return { user: toSessionUser(user), token: await startSession(res, user.id) };
    },

    async logout(req: Request, res: Response): Promise<void> {
      const token = bearerToken(req) ?? req.cookies?.[SESSION_COOKIE];
      if (token) {
        recentSessions.delete(sessionKey(token));
        await redis.del(sessionKey(token));
      }
      res.clearCookie(SESSION_COOKIE, { path: '/' });
      res.clearCookie(CSRF_COOKIE, { path: '/' });
    },

    /** Bearer token or session cookie; cookie-authenticated writes must echo the CSRF cookie in X-CSRF-Token. */
    async authenticate(req: Request): Promise<SessionUser | undefined> {
      const bearer = bearerToken(req);
      // A calendar feed token opens the feed (?token= on the .ics route) and nothing else.
      if (bearer?.startsWith(CALENDAR_TOKEN_PREFIX)) throw new AppError('calendar_token_only', 'A calendar feed token is good for the calendar feed only; sign in.');
      const queryToken = ['GET', 'HEAD'].includes(req.method) && typeof req.query.token === 'string' && req.path === CALENDAR_FEED_PATH ? req.query.token : undefined;
      if (queryToken !== undefined && !bearer) return findCalendarUser(queryToken);
      const cookieToken: string | undefined = req.cookies?.[SESSION_COOKIE];
      const token = bearer ?? cookieToken;
      if (!token) return undefined;
      const userId = await lookUpSession(token);
      if (!userId) return undefined;
      if (!bearer && cookieToken && !['GET', 'HEAD', 'OPTIONS'].includes(req.method)) {
        const header = req.get('X-CSRF-Token') ?? '';
        const expected: string = req.cookies?.[CSRF_COOKIE] ?? '';
        if (!expected || header.length !== expected.length || !timingSafeEqual(Buffer.from(header), Buffer.from(expected))) {
          throw new AppError('forbidden', 'Missing or wrong X-CSRF-Token header for a cookie-authenticated write.');
        }
      }
      const user = await prisma.user.findUnique({ where: { id: userId } });
      return user && !user.deactivatedAt ? toSessionUser(user) : undefined;
    },

    /**
     * Offboarding: the user can no longer sign in, every session and the calendar feed stop at once;
     * the row stays, so the audit trail keeps their name.
     */
    async deactivate(userId: string): Promise<Date> {
      const user = await prisma.user.update({ where: { id: userId }, data: { deactivatedAt: new Date(), calendarTokenHash: null, calendarTokenCreatedAt: null } });
      const sessions = await redis.smembers(userSessionsKey(userId));
      if (sessions.length) await redis.del(...sessions);
      await redis.del(userSessionsKey(userId));
      return user.deactivatedAt!;
    },

    async reactivate(userId: string): Promise<void> {
      await prisma.user.update({ where: { id: userId }, data: { deactivatedAt: null } });
    },
  };
}
export type Auth = ReturnType<typeof createAuth>;

function bearerToken(req: Request): string | undefined {
  const header = req.get('Authorization');
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}
