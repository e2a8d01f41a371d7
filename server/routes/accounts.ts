import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Prisma } from '../../generated/prisma/client';
import { hashPassword, toSessionUser } from '../auth';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { defineRoute } from '../http';

export const ZUser = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(['admin', 'coordinator', 'manager', 'partner']),
  organisationId: z.string().nullable(),
  locale: z.string(),
});
export const ZLogin = z.strictObject({ email: z.string().email().max(254), password: z.string().min(1).max(512) });
export const ZOrganisationInput = z.strictObject({
  name: z.string().trim().min(1).max(200),
  kind: z.enum(['training-organisation', 'contractor', 'company', 'funder', 'public-body', 'association', 'other']),
});
export const ZOrganisation = ZOrganisationInput.extend({ id: z.string(), createdAt: z.string() });
export const ZUserInput = z
  .strictObject({
    email: z.string().email().max(254),
    name: z.string().trim().min(1).max(200),
    role: z.enum(['admin', 'coordinator', 'manager', 'partner']),
    organisationId: z.string().min(1).optional(),
    password: z.string().min(12, 'at least 12 characters').max(512).optional(),
    locale: z.enum(['fr', 'en']).default('fr'),
  })
  .refine((u) => u.role !== 'partner' || u.organisationId, { path: ['organisationId'], message: 'a partner user belongs to an organisation' });

export const ZPage = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export function accountRoutes(ctx: AppContext) {
  return [
    defineRoute({
      method: 'post', path: '/api/v1/auth/login', summary: 'Sign in; sets an HttpOnly session cookie and returns a bearer token', tags: ['auth'], auth: 'public',
      body: ZLogin, response: z.object({ user: ZUser, token: z.string() }),
      handler: ({ req, res, body }) => ctx.auth.login(req, res, body.email, body.password),
    }),
    defineRoute({
      method: 'post', path: '/api/v1/auth/invitations/accept', summary: 'Accept an invitation: set a password and sign in (single use, expires after 7 days)', tags: ['auth'], auth: 'public',
      body: z.strictObject({ token: z.string().min(20).max(200), password: z.string().min(12, 'at least 12 characters').max(512) }),
      response: z.object({ user: ZUser, token: z.string() }),
      handler: ({ res, body }) => ctx.auth.acceptInvitation(res, body.token, body.password),
    }),
    defineRoute({
      method: 'post', path: '/api/v1/auth/logout', summary: 'End the session (cookie or bearer token)', tags: ['auth'], auth: 'signedIn',
      handler: async ({ req, res }) => ctx.auth.logout(req, res),
    }),
    defineRoute({
      method: 'get', path: '/api/v1/me', summary: "The caller, role and organisation, and the installation's closing hour of a date-only deadline (`dueTime`, Paris, HH:mm)", tags: ['auth'], auth: 'signedIn',
      response: ZUser.extend({ organisation: ZOrganisation.nullable(), dueTime: z.string() }),
      async handler({ user }) {
        const organisation = user.organisationId ? await ctx.prisma.organisation.findUnique({ where: { id: user.organisationId } }) : null;
        return { ...user, organisation: organisation && { ...organisation, kind: organisation.kind as z.infer<typeof ZOrganisationInput>['kind'], createdAt: organisation.createdAt.toISOString() }, dueTime: ctx.config.DUE_TIME };
      },
    }),
    defineRoute({
      method: 'post', path: '/api/v1/organisations', summary: 'Create a partner organisation', tags: ['organisations'], auth: ['admin', 'coordinator'],
      body: ZOrganisationInput, successStatus: 201, response: ZOrganisation,
      async handler({ body }) {
        try {
          const org = await ctx.prisma.organisation.create({ data: { id: `org_${randomUUID()}`, ...body } });
          return { ...org, kind: body.kind, createdAt: org.createdAt.toISOString() };
        } catch (err) {
          if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw new AppError('conflict', `An organisation named "${body.name}" already exists.`);
          throw err;
        }
      },
    }),
    defineRoute({
      method: 'get', path: '/api/v1/organisations', summary: 'List organisations', tags: ['organisations'], auth: ['admin', 'coordinator', 'manager'],
      query: ZPage, response: z.object({ items: z.array(ZOrganisation), nextCursor: z.string().nullable() }),
      async handler({ query }) {
        const rows = await ctx.prisma.organisation.findMany({ orderBy: { id: 'asc' }, take: query.limit + 1, ...(query.cursor ? { where: { id: { gt: query.cursor } } } : {}) });
        const items = rows.slice(0, query.limit).map((o) => ({ ...o, kind: o.kind as z.infer<typeof ZOrganisationInput>['kind'], createdAt: o.createdAt.toISOString() }));
        return { items, nextCursor: rows.length > query.limit ? items[items.length - 1]!.id : null };
      },
    }),
    defineRoute({
      method: 'post', path: '/api/v1/users', summary: 'Create a user (admin); without a password an invitation is sent', tags: ['users'], auth: ['admin'],
      body: ZUserInput, successStatus: 201, response: ZUser.extend({ invitation: z.object({ url: z.string(), expiresAt: z.string() }).optional() }),
      async handler({ body }) {
        if (body.organisationId && !(await ctx.prisma.organisation.findUnique({ where: { id: body.organisationId } }))) {
          throw new AppError('validation_failed', 'Unknown organisation.', [{ path: 'body.organisationId', message: 'no such organisation' }]);
        }
        try {
          const user = await ctx.prisma.user.create({
            data: {
              id: `usr_${randomUUID()}`,
              email: body.email.toLowerCase(),
              name: body.name,
              role: body.role,
              organisationId: body.organisationId ?? null,
              passwordHash: body.password ? await hashPassword(body.password) : null,
              locale: body.locale,
            },
          });
          if (body.password) return toSessionUser(user);
          const invitation = await ctx.auth.createInvitation(user.id);
          const url = `${ctx.config.APP_URL ?? `http://localhost:${ctx.config.PORT}`}/invitations/${invitation.token}`;
          // The row first: the notifier looks it up when the job runs.
          await ctx.prisma.notification.create({
            data: { id: `invitation-${user.id}`, kind: 'invitation', recipient: user.email, status: 'queued', payload: { invitationUrl: '[sent by e-mail]', expiresAt: invitation.expiresAt } },
          });
          await ctx.queue.add(
            'invitation',
            {
              notificationId: `invitation-${user.id}`,
              kind: 'invitation',
              programmeId: 'system',
              programmeTitle: 'Jalons',
              recipient: { userId: user.id, email: user.email, name: user.name, locale: body.locale },
              data: { invitationUrl: url, expiresAt: invitation.expiresAt },
            },
            { jobId: `invitation-${user.id}` },
          );
          return { ...toSessionUser(user), invitation: { url, expiresAt: invitation.expiresAt } };
        } catch (err) {
          if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw new AppError('conflict', 'A user with this e-mail already exists.');
          throw err;
        }
      },
    }),
  ];
}
