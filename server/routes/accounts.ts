import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { Prisma } from '../../generated/prisma/client';
import { hashPassword, toSessionUser } from '../auth';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { defineRoute, trimmedText } from '../http';
import { searchOrganisationIds } from '../organisation-search';

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
  name: trimmedText(200),
  kind: z.enum(['training-organisation', 'contractor', 'company', 'funder', 'public-body', 'association', 'other']),
});
export const ZOrganisation = ZOrganisationInput.extend({ id: z.string(), createdAt: z.string(), archivedAt: z.string().nullable() });
/** Rename, archive (kept for history, out of lists, nothing new assigned to it) or bring back: at least one of them. */
const ZOrganisationPatch = z.union([
  z.strictObject({ name: ZOrganisationInput.shape.name, archived: z.boolean().optional() }),
  z.strictObject({ archived: z.boolean() }),
]);
const ZUserIdParams = z.object({ id: z.string().min(1).max(200) });

type OrganisationRow = { id: string; name: string; kind: string; createdAt: Date; archivedAt: Date | null };
function toOrganisationView(o: OrganisationRow): z.infer<typeof ZOrganisation> {
  return { id: o.id, name: o.name, kind: o.kind as z.infer<typeof ZOrganisationInput>['kind'], createdAt: o.createdAt.toISOString(), archivedAt: o.archivedAt?.toISOString() ?? null };
}
const ZUserFields = {
  email: z.string().email().max(254),
  name: trimmedText(200),
  password: z.string().min(12, 'at least 12 characters').max(512).optional(),
  locale: z.enum(['fr', 'en']).default('fr'),
};
/** A partner user belongs to an organisation: said by the schema (one shape per role), not only checked. */
export const ZUserInput = z.discriminatedUnion('role', [
  z.strictObject({ ...ZUserFields, role: z.literal('partner'), organisationId: z.string().min(1) }),
  z.strictObject({ ...ZUserFields, role: z.enum(['admin', 'coordinator', 'manager']), organisationId: z.string().min(1).optional() }),
]);

/** A name search: trimmed, not blank; control characters (NUL, line breaks) are dropped, as no name holds them. */
export const ZOrganisationQuery = trimmedText(100).transform((q) => q.replace(/\p{Cc}/gu, ''));

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
      method: 'post', path: '/api/v1/auth/logout', summary: 'End the session (cookie or bearer token); the calendar feed link stays valid', tags: ['auth'], auth: 'signedIn',
      // No Idempotency-Key: after the first call the session, which scopes the key, is gone (a retry is 401, nothing done twice).
      idempotency: false,
      handler: async ({ req, res }) => ctx.auth.logout(req, res),
    }),
    defineRoute({
      method: 'get', path: '/api/v1/me', summary: "The caller, role and organisation, and the installation's closing hour of a date-only deadline (`dueTime`, Paris, HH:mm)", tags: ['auth'], auth: 'signedIn',
      response: ZUser.extend({ organisation: ZOrganisation.nullable(), dueTime: z.string() }),
      async handler({ user }) {
        const organisation = user.organisationId ? await ctx.prisma.organisation.findUnique({ where: { id: user.organisationId } }) : null;
        return { ...user, organisation: organisation && toOrganisationView(organisation), dueTime: ctx.config.DUE_TIME };
      },
    }),
    defineRoute({
      method: 'post', path: '/api/v1/organisations', summary: 'Create a partner organisation', tags: ['organisations'], auth: ['admin', 'coordinator'],
      body: ZOrganisationInput, successStatus: 201, response: ZOrganisation,
      async handler({ body }) {
        try {
          return toOrganisationView(await ctx.prisma.organisation.create({ data: { id: `org_${randomUUID()}`, ...body } }));
        } catch (err) {
          if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw new AppError('conflict', `An organisation named "${body.name}" already exists.`, undefined, undefined, { reason: 'organisation_name_taken', name: body.name });
          throw err;
        }
      },
    }),
    defineRoute({
      method: 'get', path: '/api/v1/organisations', summary: 'List organisations by name (accents and case ignored), optionally those whose name contains `q`', tags: ['organisations'], auth: ['admin', 'coordinator', 'manager'],
      query: ZPage.extend({
        archived: z.enum(['true', 'false']).optional().meta({ description: 'true: archived organisations only; default: active ones' }),
        q: ZOrganisationQuery.optional().meta({ description: 'part of the name, accents and case ignored ("eclat" finds "Compagnie Éclat"); 1 to 100 characters besides surrounding spaces' }),
      }),
      response: z.object({ items: z.array(ZOrganisation), nextCursor: z.string().nullable() }),
      async handler({ query }) {
        const page = await searchOrganisationIds(ctx.prisma, { archived: query.archived === 'true', q: query.q, cursor: query.cursor, limit: query.limit });
        const rows = await ctx.prisma.organisation.findMany({ where: { id: { in: page.ids } } });
        const byId = new Map(rows.map((o) => [o.id, o]));
        return { items: page.ids.flatMap((id) => (byId.has(id) ? [toOrganisationView(byId.get(id)!)] : [])), nextCursor: page.nextCursor };
      },
    }),
    defineRoute({
      method: 'patch', path: '/api/v1/organisations/:id', summary: 'Rename, archive or restore an organisation (archived: kept in history, out of lists, nothing new enrolled or assigned)', tags: ['organisations'], auth: ['admin', 'coordinator'],
      params: ZUserIdParams, body: ZOrganisationPatch, response: ZOrganisation,
      async handler({ params, body }) {
        if (!(await ctx.prisma.organisation.findUnique({ where: { id: params.id } }))) throw new AppError('not_found', 'No such organisation.');
        try {
          const org = await ctx.prisma.organisation.update({
            where: { id: params.id },
            data: { ...('name' in body ? { name: body.name } : {}), ...(body.archived === undefined ? {} : { archivedAt: body.archived ? new Date() : null }) },
          });
          return toOrganisationView(org);
        } catch (err) {
          if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw new AppError('conflict', 'Another organisation has this name.', undefined, undefined, { reason: 'organisation_name_taken' });
          throw err;
        }
      },
    }),
    defineRoute({
      method: 'get', path: '/api/v1/users', summary: 'List users by name (admins: everyone, deactivated ones included; coordinators: the active coordinators, to build a programme team)', tags: ['users'], auth: ['admin', 'coordinator'],
      query: ZPage.extend({ role: ZUser.shape.role.optional() }),
      response: z.object({ items: z.array(ZUser.extend({ deactivatedAt: z.string().nullable() })), nextCursor: z.string().nullable() }),
      async handler({ query, user }) {
        // A coordinator never reads partner people (tender bidders stay sealed): coordinators only.
        const where = user.role === 'admin' ? (query.role ? { role: query.role } : {}) : { role: 'coordinator' as const, deactivatedAt: null };
        const rows = await ctx.prisma.user.findMany({ where: { ...where, ...(query.cursor ? { id: { gt: query.cursor } } : {}) }, orderBy: { id: 'asc' }, take: query.limit + 1 });
        const items = rows.slice(0, query.limit).map((u) => ({ ...toSessionUser(u), deactivatedAt: u.deactivatedAt?.toISOString() ?? null }));
        return { items, nextCursor: rows.length > query.limit ? items[items.length - 1]!.id : null };
      },
    }),
    defineRoute({
      method: 'post', path: '/api/v1/users/:id/deactivate', summary: 'Deactivate a user (offboarding): no sign-in, sessions and calendar feed revoked at once; their name stays in the history', tags: ['users'], auth: ['admin'],
      params: ZUserIdParams, response: ZUser.extend({ deactivatedAt: z.string() }),
      async handler({ params, user }) {
        const target = await ctx.prisma.user.findUnique({ where: { id: params.id } });
        if (!target) throw new AppError('not_found', 'No such user.');
        if (target.id === user.id) throw new AppError('conflict', 'You cannot deactivate your own account.', undefined, undefined, { reason: 'own_account' });
        const at = target.deactivatedAt ?? (await ctx.auth.deactivate(target.id));
        return { ...toSessionUser(target), deactivatedAt: at.toISOString() };
      },
    }),
    defineRoute({
      method: 'post', path: '/api/v1/users/:id/reactivate', summary: 'Reactivate a deactivated user (they sign in again; a new calendar link is needed)', tags: ['users'], auth: ['admin'],
      params: ZUserIdParams, response: ZUser,
      async handler({ params }) {
        const target = await ctx.prisma.user.findUnique({ where: { id: params.id } });
        if (!target) throw new AppError('not_found', 'No such user.');
        await ctx.auth.reactivate(target.id);
        return toSessionUser(target);
      },
    }),
    defineRoute({
      method: 'post', path: '/api/v1/users', summary: 'Create a user (admin); without a password an invitation is sent', tags: ['users'], auth: ['admin'],
      body: ZUserInput, successStatus: 201, response: ZUser.extend({ invitation: z.object({ url: z.string(), expiresAt: z.string() }).optional() }),
      async handler({ body }) {
        if (body.organisationId && !(await ctx.prisma.organisation.findUnique({ where: { id: body.organisationId, archivedAt: null } }))) {
          throw new AppError('unknown_reference', 'Unknown organisation.', [{ path: 'body.organisationId', message: 'no such organisation', code: 'unknown_organisation' }]);
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
          if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') throw new AppError('conflict', 'A user with this e-mail already exists.', undefined, undefined, { reason: 'email_taken' });
          throw err;
        }
      },
    }),
  ];
}
