import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { Prisma } from '../../generated/prisma/client';
import type { ProgrammeState } from '../../domain/programme-state';
import { parisDateToInstant } from '../../domain/calendar';
import { definitionKey } from '../../domain/step-row-key';
import { ZIndicatorPeriodText, ZIsoDate, ZIsoInstant, type Template } from '../../domain/template-schema';
import { ZHistory } from '../../domain/backfill-schema';
import { createInitialState } from '../../domain/programme';
import { childTargetsAtStart, findHistoryProblems, historyError } from '../history';
import { listTemplateRoles } from '../../domain/template-roles';
import {
  addDeliverableUpdate,
  approvePhaseUpdate,
  cancelProgrammeUpdate,
  changeStepUpdate,
  completeStepUpdate,
  enrolOrganisationUpdate,
  openChildUpdate,
  pauseProgrammeUpdate,
  recordIndicatorUpdate,
  resumeProgrammeUpdate,
  reviewDeliverableUpdate,
} from '../../workflows/programme';
import type { AppContext } from '../context';
import { AppError } from '../errors';
import { defineRoute, findUnsafeText, trimmedText, zodProblems } from '../http';
import { labelText } from '../../domain/template-labels';
import { labelsOf } from '../../templates/labels';
import { buildProgrammeView, buildStepView, toDeliverableView, viewerOf, ZDeliverableView, ZProgrammeView, ZStepView } from '../programme-views';
import { actorOf, createProgrammeCommands, newIdFor, updateIdFor } from '../programme-commands';
import { canSeeDeliverable, canSeeNotification, canSeeStep, confidentialScope, visibleEvent, type Viewer } from '../../domain/visibility';
import { ZPage } from './accounts';
import { contentDisposition } from '../storage';
import { MAX_UPLOAD_BYTES, receiveUpload, type ReceivedUpload } from '../uploads';
import { ALLOWED_TYPES } from '../storage';

const ZId = z.string().min(1).max(200);
// A step's key, or an occurrence of a recurring step (`step~n`, domain/step-row-key.ts).
const ZKeyParam = z.string().min(1).max(200).regex(/^[a-z0-9][a-z0-9-]*(~[1-9][0-9]{0,5})?$/, 'unknown key');
// Dates are checked against the product's one range (1990-01-01 to 2100-12-31) here, before any workflow sees them.
const ZDateOrInstant = z.union([ZIsoDate, ZIsoInstant]);

export const ZCreateProgramme = z.strictObject({
  templateKey: ZKeyParam,
  title: trimmedText(300),
  startDate: ZIsoDate,
  params: z
    .strictObject({
      dates: z.record(z.string(), ZDateOrInstant).default({}),
      slots: z.record(z.string(), ZId).default({}),
    })
    .default({ dates: {}, slots: {} }),
  /** Issue 20: what already happened, at its real dates (docs/engine.md, "Starting in the past"). */
  history: ZHistory.optional(),
});

const ZProgrammeSummary = z.object({
  id: z.string(),
  title: z.string(),
  templateKey: z.string(),
  templateVersion: z.number(),
  status: z.string(),
  parentId: z.string().nullable(),
  startDate: z.string(),
  nextDueAt: z.string().nullable(),
  lateSteps: z.number(),
});

const ZProgrammeParams = z.object({ id: ZId });
const ZLinkDeliverable = z.strictObject({ title: trimmedText(300), url: z.url({ protocol: /^https?$/ }).max(2000), kind: ZKeyParam.optional(), organisationId: ZId.optional() });
const ZFileFields = z.strictObject({ title: trimmedText(300), kind: ZKeyParam.optional(), organisationId: ZId.optional() });
const ZStepParams = z.object({ id: ZId, stepKey: ZKeyParam });
/** A new due date (a Paris date, or an instant), a new assignee, or both: closed shapes, so the schema itself says "at least one, dueDate or dueAt". */
/** Which cell of a periodic indicator an entry is for; the workflow checks them against the template. */
const ZIndicatorCell = z.object({
  period: ZIndicatorPeriodText.optional(),
  // How many and which: the workflow checks them against the indicator's dimensions (a rule the OpenAPI document could not state).
  dimensions: z.record(ZKeyParam, ZKeyParam).optional(),
});
const ZStepChangeReason = z.string().max(2000).optional();
const ZChangeStep = z.union([
  z.strictObject({ dueDate: ZIsoDate, assignee: ZId.optional(), reason: ZStepChangeReason }),
  z.strictObject({ dueAt: ZIsoInstant, assignee: ZId.optional(), reason: ZStepChangeReason }),
  z.strictObject({ assignee: ZId, reason: ZStepChangeReason }),
]);

export function programmeRoutes(ctx: AppContext) {
  const commands = createProgrammeCommands(ctx);
  const { loadVisible, loadActionable, view } = commands;

  async function requireOrganisation(id: string, path: string): Promise<void> {
    // An archived organisation is kept for history; nothing new is given to it.
    if (!(await ctx.prisma.organisation.findUnique({ where: { id, archivedAt: null } }))) {
      throw new AppError('unknown_reference', 'Unknown organisation.', [{ path, message: 'no such organisation', code: 'unknown_organisation' }]);
    }
  }

  return [
    defineRoute({
      method: 'post', path: '/api/v1/programmes', summary: 'Start a programme from the latest version of a template', tags: ['programmes'], auth: ['coordinator', 'admin'],
      body: ZCreateProgramme, successStatus: 201, response: ZProgrammeView,
      async handler({ body, user, idempotencyKey }) {
        const template = await ctx.templates.loadLatestTemplate(body.templateKey).catch(() => {
          throw new AppError('unknown_reference', `Unknown template "${body.templateKey}".`, [{ path: 'body.templateKey', message: 'no such template', code: 'unknown_template' }]);
        });
        if (await ctx.prisma.templateArchive.findUnique({ where: { key: template.key } })) {
          throw new AppError('template_archived', `Template "${template.key}" is archived: no new programme starts from it.`);
        }
        const missing = template.dateParams.filter((p) => !body.params.dates[p]);
        if (missing.length) {
          throw new AppError('validation_failed', `Template "${template.key}" needs these dates: ${missing.join(', ')}.`, missing.map((m) => ({ path: `body.params.dates.${m}`, message: 'required by the template', code: 'required_date' as const, params: { label: labelText(labelsOf(template), 'dateParams', m) } })));
        }
        // A role the template does not declare would fill nothing: refused rather than kept unseen.
        const roles = new Set(listTemplateRoles(template).map((r) => r.key));
        const unknownRoles = Object.keys(body.params.slots).filter((slot) => !roles.has(slot));
        if (unknownRoles.length) {
          throw new AppError('validation_failed', `Template "${template.key}" has no role ${unknownRoles.join(', ')}.`, unknownRoles.map((r) => ({ path: `body.params.slots.${r}`, message: 'not a role of this template', code: 'unknown_field' as const, params: { keys: r } })));
        }
        for (const [slot, org] of Object.entries(body.params.slots)) await requireOrganisation(org, `body.params.slots.${slot}`);
        const programmeId = newIdFor('prg', user, idempotencyKey);
        const start = { programmeId, title: body.title, template, startDate: body.startDate, coordinatorId: user.id, dates: body.params.dates, slots: body.params.slots };
        if (body.history) {
          const problems = await findHistoryProblems(ctx, template, createInitialState(start, new Date()), body.history, actorOf(user), await childTargetsAtStart(ctx, template, start));
          if (problems.length) throw historyError(problems);
        }
        const answer = await ctx.temporal.startProgramme(
          { ...start, ...(body.history ? { history: body.history } : {}) },
          updateIdFor(user, idempotencyKey),
        );
        return buildProgrammeView(template, await commands.loadAnswered(answer), viewerOf(user, true));
      },
    }),
    defineRoute({
      method: 'get', path: '/api/v1/programmes', summary: 'List programmes (partners: only theirs)', tags: ['programmes'], auth: 'signedIn',
      query: ZPage.extend({
        status: z.enum(['active', 'paused', 'completed', 'cancelled']).optional(),
        templateKey: ZKeyParam.optional(),
        late: z.enum(['true', 'false']).optional(),
        parentId: ZId.optional(),
      }),
      response: z.object({ items: z.array(ZProgrammeSummary), nextCursor: z.string().nullable() }),
      async handler({ query, user }) {
        const where: Prisma.ProgrammeWhereInput = {
          ...(query.status ? { status: query.status } : {}),
          ...(query.templateKey ? { templateKey: query.templateKey } : {}),
          ...(query.parentId ? { parentId: query.parentId } : {}),
          ...(query.cursor ? { id: { gt: query.cursor } } : {}),
        };
        const late = query.late === 'true' ? { gt: 0 } : query.late === 'false' ? 0 : undefined;
        const select = { id: true, title: true, templateKey: true, templateVersion: true, status: true, parentId: true, startDate: true, nextDueAt: true, lateSteps: true } as const;
        let rows: Prisma.ProgrammeGetPayload<{ select: typeof select }>[];
        if (user.role === 'partner') {
          // Only programmes its organisation takes part in, with its own steps' lateness and next due
          // date (projected per organisation: programme_organisations, domain/visibility.ts).
          const taking = await ctx.prisma.$queryRaw<{ id: string; late_steps: number; next_due_at: Date | null }[]>`
            SELECT o.programme_id AS id, o.late_steps, o.next_due_at FROM programme_organisations o JOIN programmes p ON p.id = o.programme_id
            WHERE o.organisation_id = ${user.organisationId ?? '-'}
              ${query.status ? Prisma.sql`AND p.status = ${query.status}` : Prisma.empty}
              ${query.templateKey ? Prisma.sql`AND p.template_key = ${query.templateKey}` : Prisma.empty}
              ${query.parentId ? Prisma.sql`AND p.parent_id = ${query.parentId}` : Prisma.empty}
              ${query.cursor ? Prisma.sql`AND o.programme_id > ${query.cursor}` : Prisma.empty}
              ${query.late === 'true' ? Prisma.sql`AND o.late_steps > 0` : query.late === 'false' ? Prisma.sql`AND o.late_steps = 0` : Prisma.empty}
            ORDER BY o.programme_id
            LIMIT ${query.limit + 1}`;
          const byId = new Map((await ctx.prisma.programme.findMany({ where: { id: { in: taking.map((t) => t.id) } }, select })).map((p) => [p.id, p]));
          rows = taking.flatMap((t) => {
            const p = byId.get(t.id);
            return p ? [{ ...p, lateSteps: t.late_steps, nextDueAt: t.next_due_at }] : [];
          });
        } else {
          rows = await ctx.prisma.programme.findMany({ where: { ...where, ...(late !== undefined ? { lateSteps: late } : {}) }, orderBy: { id: 'asc' }, take: query.limit + 1, select });
        }
        const items = rows.slice(0, query.limit).map((r) => ({ ...r, nextDueAt: r.nextDueAt?.toISOString() ?? null }));
        const last = rows[Math.min(rows.length, query.limit) - 1];
        return { items, nextCursor: rows.length > query.limit && last ? last.id : null };
      },
    }),
    defineRoute({
      method: 'get', path: '/api/v1/programmes/:id', summary: 'A programme with its phases, steps, partners and milestones', tags: ['programmes'], auth: 'signedIn',
      params: ZProgrammeParams, response: ZProgrammeView,
      async handler({ params, user }) {
        const { state, template, viewer } = await loadVisible(params.id, user);
        return view(state, viewer, template);
      },
    }),
    defineRoute({
      method: 'post', path: '/api/v1/programmes/:id/partners', summary: 'Enrol an organisation in a phase (409 when full)', tags: ['programmes'], auth: ['coordinator', 'admin'],
      params: ZProgrammeParams, body: z.strictObject({ organisationId: ZId, phaseKey: ZKeyParam, slot: ZKeyParam.optional() }), successStatus: 201, response: ZProgrammeView,
      async handler({ params, body, user, idempotencyKey }) {
        return commands.actAndView(params.id, user, idempotencyKey, enrolOrganisationUpdate, body, () => requireOrganisation(body.organisationId, 'body.organisationId'));
      },
    }),
    defineRoute({
      method: 'post', path: '/api/v1/programmes/:id/steps/:stepKey/deliverables', summary: 'Add a deliverable to a step: a link ({ title, url }) or a file (multipart/form-data: file, title, kind)', tags: ['steps'], auth: ['partner', 'coordinator', 'admin'],
      params: ZStepParams,
      body: ZLinkDeliverable,
      rawBody: {
        contentType: 'multipart/form-data',
        description: `A file upload (${Math.round(MAX_UPLOAD_BYTES / 1024 / 1024)} MB at most; pdf, office documents, images, csv, txt, zip); the title defaults to the file's name`,
        fields: ZFileFields.partial({ title: true }),
      },
      successStatus: 201, response: ZDeliverableView,
      async handler({ req, params, body, user, idempotencyKey, claimIdempotency }) {
        const { state, template } = await loadActionable(params.id, user);
        const def = template.phases.flatMap((p) => p.steps).find((s) => s.key === definitionKey(params.stepKey));
        if (!def || !state.steps.some((s) => s.key === params.stepKey)) throw new AppError('unknown_step', `This programme has no step "${params.stepKey}".`);
        let input: z.infer<typeof ZLinkDeliverable> | z.infer<typeof ZFileFields>;
        let file: ReceivedUpload['file'] | undefined;
        if (body) {
          input = body;
        } else {
          const upload = await receiveUpload(req, ctx.storage);
          file = upload.file;
          try {
            // The same fields and file bytes are the same request, whatever the multipart boundary.
            await claimIdempotency({ fields: upload.fields, file: { name: upload.file.name, sha256: upload.file.sha256 } });
          } catch (err) {
            await ctx.storage.remove(upload.file.storageKey);
            throw err;
          }
          const fields = ZFileFields.safeParse({ ...upload.fields, title: upload.fields.title || upload.file.name });
          if (!fields.success || findUnsafeText(upload.fields, 'body')) {
            await ctx.storage.remove(upload.file.storageKey);
            throw new AppError('validation_failed', 'Invalid upload fields.', fields.success ? [{ path: findUnsafeText(upload.fields, 'body')!, message: 'contains a NUL character or an unpaired surrogate', code: 'unsafe_text' }] : zodProblems(fields.error, 'body'));
          }
          input = fields.data;
        }
        const kind = input.kind ?? def.deliverables[0]?.kind ?? 'document';
        const id = newIdFor('dlv', user, idempotencyKey);
        const deliverable = {
          id,
          kind,
          title: input.title,
          organisationId: input.organisationId,
          ...('url' in input ? { url: input.url } : {}),
          ...(file ? { file: { name: file.name, size: file.size, sha256: file.sha256, mediaType: file.mediaType, storageKey: file.storageKey } } : {}),
        };
        try {
          const d = await commands.send(params.id, user, idempotencyKey, addDeliverableUpdate, { stepKey: params.stepKey, deliverable });
          // A retried upload answered from the first attempt: the second copy is not needed.
          if (file && d.file?.storageKey !== file.storageKey) await ctx.storage.remove(file.storageKey);
          return toDeliverableView(d);
        } catch (err) {
          // Refused by the lifecycle: nothing may stay half-written.
          if (file) await ctx.storage.remove(file.storageKey);
          throw err;
        }
      },
    }),
    defineRoute({
      method: 'get', path: '/api/v1/programmes/:id/steps/:stepKey/deliverables/:deliverableId/file', summary: 'Download a deliverable file (those who may see the step; partners their own organisation\'s only)', tags: ['steps'], auth: 'signedIn',
      params: ZStepParams.extend({ deliverableId: ZId }),
      fileMediaTypes: [...new Set(Object.values(ALLOWED_TYPES).map((t) => t.mediaType))],
      async handler({ res, params, user }) {
        const { state, template, viewer } = await loadVisible(params.id, user);
        const step = state.steps.find((s) => s.key === params.stepKey);
        const d = step?.deliverables.find((x) => x.id === params.deliverableId);
        if (!step || !d?.file || !canSeeStep(step, viewer) || !canSeeDeliverable(confidentialScope(template, state), step, d, viewer)) throw new AppError('not_found', 'No such file.');
        res.setHeader('Content-Type', d.file.mediaType);
        res.setHeader('Content-Length', String(d.file.size));
        res.setHeader('Content-Disposition', contentDisposition(d.file.name));
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.setHeader('Digest', `sha-256=${Buffer.from(d.file.sha256, 'hex').toString('base64')}`);
        await pipeline(ctx.storage.open(d.file.storageKey), res);
        return undefined;
      },
    }),
    defineRoute({
      method: 'post', path: '/api/v1/programmes/:id/steps/:stepKey/deliverables/:deliverableId/review', summary: 'Accept or reject a deliverable', tags: ['steps'], auth: ['coordinator', 'admin'],
      params: ZStepParams.extend({ deliverableId: ZId }), body: z.strictObject({ decision: z.enum(['accepted', 'rejected']), note: z.string().max(2000).optional() }), response: ZStepView,
      async handler({ params, body, user, idempotencyKey }) {
        const { state, viewer } = await commands.actOnState(params.id, user, idempotencyKey, reviewDeliverableUpdate, { stepKey: params.stepKey, deliverableId: params.deliverableId, ...body });
        return stepView(state, params.stepKey, viewer);
      },
    }),
    defineRoute({
      method: 'post', path: '/api/v1/programmes/:id/steps/:stepKey/complete', summary: "Complete a step (the workflow decides: 200 with the step's new state, or 409/422 with its reason)", tags: ['steps'], auth: ['partner', 'coordinator', 'admin'],
      params: ZStepParams,
      body: z.strictObject({ note: z.string().max(5000).optional(), deliverableIds: z.array(ZId).max(100).optional(), organisationId: ZId.optional(), data: z.record(z.string(), z.unknown()).optional(), outcome: z.string().min(1).max(64).optional().describe('the outcome recorded, one of the step’s outcomes (required on a step that lists outcomes)') }),
      response: ZStepView,
      async handler({ params, body, user, idempotencyKey }) {
        const { state, viewer } = await commands.actOnState(params.id, user, idempotencyKey, completeStepUpdate, { stepKey: params.stepKey, ...body });
        return stepView(state, params.stepKey, viewer);
      },
    }),
    defineRoute({
      method: 'patch', path: '/api/v1/programmes/:id/steps/:stepKey', summary: 'Extend a due date or reassign a step', tags: ['steps'], auth: ['coordinator', 'admin'],
      params: ZStepParams,
      body: ZChangeStep,
      response: ZStepView,
      async handler({ params, body, user, idempotencyKey }) {
        // A due date means that day's closing hour in Paris (DUE_TIME).
        const dueAt = 'dueAt' in body && body.dueAt ? body.dueAt : 'dueDate' in body && body.dueDate ? parisDateToInstant(body.dueDate, ctx.config.DUE_TIME).toISOString() : undefined;
        const assignee = body.assignee;
        const { state, viewer } = await commands.actOnState(params.id, user, idempotencyKey, changeStepUpdate, { stepKey: params.stepKey, dueAt, assigneeOrganisationId: assignee, reason: body.reason }, async () => {
          if (assignee) await requireOrganisation(assignee, 'body.assignee');
        });
        return stepView(state, params.stepKey, viewer);
      },
    }),
    defineRoute({
      method: 'post', path: '/api/v1/programmes/:id/phases/:phaseKey/approve', summary: 'Pass a phase gate', tags: ['programmes'], auth: ['coordinator', 'admin'],
      params: z.object({ id: ZId, phaseKey: ZKeyParam }), response: ZProgrammeView,
      async handler({ params, user, idempotencyKey }) {
        return commands.actAndView(params.id, user, idempotencyKey, approvePhaseUpdate, { phaseKey: params.phaseKey });
      },
    }),
    defineRoute({
      method: 'post', path: '/api/v1/programmes/:id/cancel', summary: 'Cancel a programme, with a reason', tags: ['programmes'], auth: ['coordinator', 'admin'],
      params: ZProgrammeParams, body: z.strictObject({ reason: trimmedText(2000, 3) }), response: ZProgrammeView,
      async handler({ params, body, user, idempotencyKey }) {
        return commands.actAndView(params.id, user, idempotencyKey, cancelProgrammeUpdate, { reason: body.reason });
      },
    }),
    defineRoute({
      method: 'post', path: '/api/v1/programmes/:id/pause', summary: 'Pause a programme (reminders stop)', tags: ['programmes'], auth: ['coordinator', 'admin'],
      params: ZProgrammeParams, response: ZProgrammeView,
      async handler({ params, user, idempotencyKey }) {
        return commands.actAndView(params.id, user, idempotencyKey, pauseProgrammeUpdate, {});
      },
    }),
    defineRoute({
      method: 'post', path: '/api/v1/programmes/:id/resume', summary: 'Resume a paused programme: due dates move by the paused duration unless keepDueDates=true', tags: ['programmes'], auth: ['coordinator', 'admin'],
      params: ZProgrammeParams, query: z.object({ keepDueDates: z.enum(['true', 'false']).optional() }), response: ZProgrammeView,
      async handler({ params, query, user, idempotencyKey }) {
        return commands.actAndView(params.id, user, idempotencyKey, resumeProgrammeUpdate, { keepDueDates: query.keepDueDates === 'true' });
      },
    }),
    defineRoute({
      method: 'post', path: '/api/v1/programmes/:id/indicators/:key', summary: 'Record an indicator (increment or set); a periodic one for a period (2026-03, 2026-Q1, 2026) and one value per dimension (e.g. { site: "gresilles" }); entering a period again corrects it and keeps the earlier entry', tags: ['programmes'], auth: ['partner', 'coordinator', 'admin'],
      params: z.object({ id: ZId, key: ZKeyParam }),
      // Exactly one of increment and value, said by the schema itself (two closed shapes).
      body: z.union([z.strictObject({ increment: z.number().int().min(-10_000).max(10_000), ...ZIndicatorCell.shape }), z.strictObject({ value: z.number().min(0).max(1e9), ...ZIndicatorCell.shape })]),
      response: ZProgrammeView,
      async handler({ params, body, user, idempotencyKey }) {
        return commands.actAndView(params.id, user, idempotencyKey, recordIndicatorUpdate, { key: params.key, ...body });
      },
    }),
    defineRoute({
      method: 'post', path: '/api/v1/programmes/:id/children', summary: 'Open a sub-programme (a sector, a tender)', tags: ['programmes'], auth: ['coordinator', 'admin'],
      params: ZProgrammeParams, body: z.strictObject({ childKey: ZKeyParam, title: trimmedText(300), startDate: ZIsoDate.optional(), history: ZHistory.optional() }), successStatus: 201,
      response: z.object({ id: z.string(), childKey: z.string(), title: z.string(), templateKey: z.string(), status: z.string() }),
      async handler({ params, body, user, idempotencyKey }) {
        // Issue 20: a sub-programme begun in the past (a sector opened in 2021) takes its own start date and history.
        const checkPast = async ({ state, template }: { state: ProgrammeState; template: Template }) => {
          if (!body.history && !body.startDate) return;
          const def = template.children.find((c) => c.key === body.childKey);
          if (def) {
            const childTemplate = await ctx.templates.loadLatestTemplate(def.templateKey);
            const startDate = body.startDate ?? state.startDate;
            if (startDate < state.startDate) throw new AppError('validation_failed', 'A sub-programme cannot start before its programme.', [{ path: 'body.startDate', message: `on or after ${state.startDate}`, code: 'history_fact', params: { text: `Un sous-programme ne démarre pas avant son programme (${state.startDate.split('-').reverse().join('/')}).` } }]);
            if (body.history) {
              const initial = createInitialState({ programmeId: 'check', title: body.title, template: childTemplate, startDate, coordinatorId: state.coordinatorId }, new Date());
              const problems = await findHistoryProblems(ctx, childTemplate, initial, body.history, actorOf(user), []);
              if (problems.length) throw historyError(problems);
            }
          }
        };
        const { result: child } = await commands.act(params.id, user, idempotencyKey, openChildUpdate, body, checkPast);
        return { id: child.programmeId, childKey: child.childKey, title: child.title, templateKey: child.templateKey, status: child.status };
      },
    }),
    defineRoute({
      method: 'get', path: '/api/v1/programmes/:id/events', summary: 'The audit trail: who did what, when (`order=desc`: newest first; `nextCursor` pages on in the same order)', tags: ['programmes'], auth: 'signedIn',
      params: ZProgrammeParams, query: ZPage.extend({ cursor: z.string().regex(/^\d{1,9}$/, 'a whole number below a billion').transform(Number).optional(), order: z.enum(['asc', 'desc']).default('asc') }),
      response: z.object({ items: z.array(z.object({ seq: z.number(), type: z.string(), at: z.string(), actorId: z.string().nullable(), actorName: z.string().nullable(), onBehalfOf: z.string().nullable(), data: z.record(z.string(), z.unknown()) })), nextCursor: z.string().nullable() }),
      async handler({ params, query, user }) {
        const { state, template, viewer } = await loadVisible(params.id, user);
        // Keyset on seq: the cursor is the last seq of the previous page, in the order asked for.
        const cursor = query.cursor ?? Number.NaN;
        const seq = query.order === 'desc' ? (Number.isFinite(cursor) ? { lt: cursor } : undefined) : { gt: Number.isFinite(cursor) ? cursor : 0 };
        const rows = await ctx.prisma.programmeEvent.findMany({ where: { programmeId: params.id, ...(seq ? { seq } : {}) }, orderBy: { seq: query.order }, take: query.limit + 1 });
        // Names, not ids, so the trail reads as "who did what" on screen; each event and its payload pass the visibility rule.
        const actorIds = [...new Set(rows.map((e) => e.actorId).filter((id): id is string => Boolean(id)))];
        const actors = actorIds.length ? await ctx.prisma.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, name: true, role: true, organisationId: true } }) : [];
        const actorById = new Map(actors.map((a) => [a.id, a]));
        const scope = confidentialScope(template, state);
        const visible = rows.slice(0, query.limit).flatMap((e) => {
          const actor = e.actorId ? actorById.get(e.actorId) : undefined;
          const shown = visibleEvent(scope, state, { seq: e.seq, type: e.type, at: e.at.toISOString(), actorId: e.actorId ?? undefined, onBehalfOf: e.onBehalfOf ?? undefined, data: e.data as Record<string, unknown> }, viewer, actor && { role: actor.role, organisationId: actor.organisationId });
          return shown ? [shown] : [];
        });
        return {
          items: visible.map((e) => ({ seq: e.seq, type: e.type, at: e.at, actorId: e.actorId ?? null, actorName: e.actorId ? (actorById.get(e.actorId)?.name ?? null) : null, onBehalfOf: e.onBehalfOf ?? null, data: e.data })),
          nextCursor: rows.length > query.limit ? String(rows[query.limit - 1]!.seq) : null,
        };
      },
    }),
    defineRoute({
      method: 'get', path: '/api/v1/programmes/:id/notifications', summary: 'Notifications sent for a programme (coordinators)', tags: ['programmes'], auth: ['coordinator', 'admin', 'manager'],
      params: ZProgrammeParams, query: ZPage,
      response: z.object({ items: z.array(z.object({ id: z.string(), kind: z.string(), stepKey: z.string().nullable(), recipient: z.string(), status: z.string(), attempts: z.number(), queuedAt: z.string(), sentAt: z.string().nullable(), error: z.string().nullable() })), nextCursor: z.string().nullable() }),
      async handler({ params, query, user }) {
        const { state, template, viewer } = await loadVisible(params.id, user);
        // Keyset pagination on (queuedAt, id), the order the list is shown in.
        const [afterAt, afterId] = query.cursor?.split('|') ?? [];
        const after = afterAt && afterId && !Number.isNaN(Date.parse(afterAt)) ? { OR: [{ queuedAt: { gt: new Date(afterAt) } }, { queuedAt: new Date(afterAt), id: { gt: afterId } }] } : {};
        const rows = await ctx.prisma.notification.findMany({ where: { programmeId: params.id, ...after }, orderBy: [{ queuedAt: 'asc' }, { id: 'asc' }], take: query.limit + 1 });
        const page = rows.slice(0, query.limit);
        const userIds = [...new Set(page.map((n) => n.userId).filter((id): id is string => Boolean(id)))];
        const recipients = userIds.length ? await ctx.prisma.user.findMany({ where: { id: { in: userIds } }, select: { id: true, organisationId: true } }) : [];
        const organisationOf = new Map(recipients.map((r) => [r.id, r.organisationId]));
        const scope = confidentialScope(template, state);
        const items = page
          .filter((n) => canSeeNotification(scope, viewer, n.userId ? (organisationOf.get(n.userId) ?? null) : null))
          .map((n) => ({ id: n.id, kind: n.kind, stepKey: n.stepKey, recipient: n.recipient, status: n.status, attempts: n.attempts, queuedAt: n.queuedAt.toISOString(), sentAt: n.sentAt?.toISOString() ?? null, error: n.error }));
        const last = page[page.length - 1];
        return { items, nextCursor: rows.length > query.limit && last ? `${last.queuedAt.toISOString()}|${last.id}` : null };
      },
    }),
  ];

  async function stepView(state: ProgrammeState, stepKey: string, viewer: Viewer) {
    const template = await ctx.templates.loadTemplateVersion(state.templateKey, state.templateVersion);
    return buildStepView(template, state, state.steps.find((s) => s.key === stepKey)!, viewer);
  }
}
