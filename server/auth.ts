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
const LOGIN_WINDOW_SECONDS = 15 * 60;
const LOGIN_MAX_ATTEMPTS = 10;

// argon2id, memory-hard; parameters from OWASP's password storage guidance.
export const hashPassword = (password: string) => hash(password, { memoryCost: 19_456, timeCost: 2, parallelism: 1 });
export const verifyPassword = (passwordHash: string, password: string) => verify(passwordHash, password).catch(() => false);

const INVITATION_TTL_SECONDS = 7 * 24 * 3600;
const invitationKey = (token: string) => `jalons:invitation:${createHash('sha256').update(token).digest('hex')}`;
const sessionKey = (token: string) => `jalons:session:${createHash('sha256').update(token).digest('hex')}`;

export function toSessionUser(u: { id: string; email: string; name: string; role: Role; organisationId: string | null; locale: string }): SessionUser {
  return { id: u.id, email: u.email, name: u.name, role: u.role, organisationId: u.organisationId, locale: u.locale };
}

export function createAuth({ prisma, redis, secureCookies }: { prisma: PrismaClient; redis: Redis; secureCookies: boolean }) {
  async function limitLogins(req: Request, email: string): Promise<void> {
    const key = `jalons:login:${req.ip}:${email.toLowerCase()}`;
    const attempts = await redis.incr(key);
    if (attempts === 1) await redis.expire(key, LOGIN_WINDOW_SECONDS);
    if (attempts > LOGIN_MAX_ATTEMPTS) {
      throw new AppError('rate_limited', 'Too many sign-in attempts; try again in a few minutes.', undefined, LOGIN_WINDOW_SECONDS);
    }
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
    await redis.set(sessionKey(token), userId, 'EX', SESSION_TTL_SECONDS);
    const cookie = { httpOnly: true, sameSite: 'lax' as const, secure: secureCookies, maxAge: SESSION_TTL_SECONDS * 1000, path: '/' };
    res.cookie(SESSION_COOKIE, token, cookie);
    res.cookie(CSRF_COOKIE, randomBytes(16).toString('base64url'), { ...cookie, httpOnly: false });
    return token;
  }

  return {
    async login(req: Request, res: Response, email: string, password: string): Promise<{ user: SessionUser; token: string }> {
      await limitLogins(req, email);
      const user = await prisma.user.findUnique({ where: { email: email.toLowerCase() } });
      // Same answer for unknown e-mail and wrong password: no account enumeration.
      if (!user?.passwordHash || !(await verifyPassword(user.passwordHash, password))) {
        throw new AppError('unauthenticated', 'Wrong e-mail or password.');
      }
      return { user: toSessionUser(user), token: await startSession(res, user.id) };
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
      if (!userId) throw new AppError('not_found', 'This invitation link is unknown, already used or expired.');
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
      const cookieToken: string | undefined = req.cookies?.[SESSION_COOKIE];
      const queryToken = req.method === 'GET' && typeof req.query.token === 'string' && req.path.endsWith('.ics') ? req.query.token : undefined;
      const token = bearer ?? cookieToken ?? queryToken;
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
      return user ? toSessionUser(user) : undefined;
    },
  };
}
export type Auth = ReturnType<typeof createAuth>;

function bearerToken(req: Request): string | undefined {
  const header = req.get('Authorization');
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}
