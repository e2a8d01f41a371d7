import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { loadLinkSecret, signPreferenceToken } from '../../notifier/preference-links';
import { apiClient, createOrganisation, createUser, publishTemplates, startHarness, type Harness, type TestUser } from '../support/harness';
import { fetchOpenApi, writeOperations, type WriteOperation } from '../support/route-catalogue';
import { engineTestTemplate, inDays } from '../support/test-templates';

/**
 * Idempotency-Key on every write route (IETF draft "The Idempotency-Key HTTP Header Field"), on the
 * real server: same key and same request → the first answer again (status and body), nothing applied
 * twice; same key and another request → 422 idempotency_key_reused. The route list comes from the
 * served OpenAPI document: a new write route without a retry case here fails the test.
 */

interface Answer {
  status: number;
  text: string;
  json: any;
  replayed: string | null;
}

interface RetryCase {
  token?: string;
  path: string;
  query?: string;
  body?: unknown;
  /** The other request sent with the same key: another body (or, for routes without one, a body all the same). */
  otherBody: unknown;
  /** Must not change between the first answer and the retries (a row count, a programme's version). */
  footprint?: () => Promise<unknown>;
  /** The first answer is expected to be a success (2xx) unless said otherwise. */
  firstMayFail?: boolean;
}

describe('Idempotency-Key on every write route', () => {
  let h: Harness;
  let api: ReturnType<typeof apiClient>;
  let redis: Redis;
  const templateKey = `idem-${Date.now()}`;
  const subKey = `${templateKey}-sub`;
  let orgC: string, orgX: string, orgY: string;
  let admin: TestUser, coordinator: TestUser, contractor: TestUser;

  async function send(method: string, url: string, opts: { token?: string; key?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Answer> {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
    if (opts.key) headers['Idempotency-Key'] = opts.key;
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${h.apiUrl}${url}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, text, json, replayed: res.headers.get('idempotent-replayed') };
  }

  async function startProgramme(title = `Programme ${randomUUID().slice(0, 6)}`): Promise<string> {
    const res = await api.post('/api/v1/programmes', { templateKey, title, startDate: '2026-11-28', params: { slots: { contractor: orgC } } }, coordinator.token);
    if (res.status !== 201) throw new Error(`start: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.id;
  }
  async function withReportActive(): Promise<string> {
    const id = await startProgramme();
    const kickoff = await api.post(`/api/v1/programmes/${id}/steps/kickoff/complete`, {}, coordinator.token);
    if (kickoff.status !== 200) throw new Error(`kickoff: ${kickoff.status} ${JSON.stringify(kickoff.body)}`);
    return id;
  }
  async function withDeliverable(): Promise<{ id: string; deliverableId: string }> {
    const id = await withReportActive();
    const d = await api.post(`/api/v1/programmes/${id}/steps/report/deliverables`, { title: 'Rapport', url: 'https://example.org/rapport.pdf' }, contractor.token);
    if (d.status !== 201) throw new Error(`deliverable: ${d.status} ${JSON.stringify(d.body)}`);
    return { id, deliverableId: d.body.id };
  }
  async function atGate(): Promise<string> {
    const { id, deliverableId } = await withDeliverable();
    const steps = [
      await api.post(`/api/v1/programmes/${id}/steps/report/deliverables/${deliverableId}/review`, { decision: 'accepted' }, coordinator.token),
      await api.post(`/api/v1/programmes/${id}/steps/report/complete`, {}, contractor.token),
      await api.post(`/api/v1/programmes/${id}/partners`, { organisationId: orgX, phaseKey: 'trial' }, coordinator.token),
    ];
    for (const s of steps) if (s.status >= 300) throw new Error(`to the gate: ${s.status} ${JSON.stringify(s.body)}`);
    return id;
  }
  /** A programme's workflow version and audit sequence, as projected: unchanged means nothing was applied. */
  const programmeFootprint = (id: string) => async () => {
    const row = await h.prisma.programme.findUnique({ where: { id }, select: { state: true } });
    const state = row?.state as { version: number; eventSeq: number } | undefined;
    return { version: state?.version, eventSeq: state?.eventSeq };
  };

  /** One retry case per write route, keyed like the OpenAPI document ("POST /api/v1/programmes/{id}/pause"). */
  const CASES: Record<string, () => Promise<RetryCase>> = {
    'POST /api/v1/auth/login': async () => {
      const user = await createUser(h, 'coordinator');
      return { path: '/api/v1/auth/login', body: { email: user.email, password: user.password }, otherBody: { email: user.email, password: `${user.password}x` } };
    },
    'POST /api/v1/auth/invitations/accept': async () => {
      const invited = await api.post('/api/v1/users', { email: `invited-${randomUUID().slice(0, 8)}@test.jalons`, name: 'Invitée', role: 'manager' }, admin.token);
      const token = String(invited.body.invitation.url).split('/').pop()!;
      return { path: '/api/v1/auth/invitations/accept', body: { token, password: 'un mot de passe solide' }, otherBody: { token, password: 'un autre mot de passe' } };
    },
    'POST /api/v1/organisations': async () => {
      const name = `Org idem ${randomUUID().slice(0, 8)}`;
      return { token: coordinator.token, path: '/api/v1/organisations', body: { name, kind: 'association' }, otherBody: { name: `${name} bis`, kind: 'association' }, footprint: () => h.prisma.organisation.count({ where: { name: { startsWith: name } } }) };
    },
    'POST /api/v1/users': async () => {
      const email = `idem-${randomUUID().slice(0, 8)}@test.jalons`;
      return { token: admin.token, path: '/api/v1/users', body: { email, name: 'Idem', role: 'coordinator', password: 'mot de passe solide' }, otherBody: { email: `x${email}`, name: 'Idem', role: 'coordinator', password: 'mot de passe solide' }, footprint: () => h.prisma.user.count({ where: { email: { endsWith: email } } }) };
    },
    'PATCH /api/v1/organisations/{id}': async () => {
      const id = await createOrganisation(h);
      const name = `Renommée ${randomUUID().slice(0, 8)}`;
      return { token: coordinator.token, path: `/api/v1/organisations/${id}`, body: { name }, otherBody: { name: `${name} bis` }, footprint: async () => (await h.prisma.organisation.findUnique({ where: { id } }))?.name };
    },
    'POST /api/v1/users/{id}/deactivate': async () => {
      const user = await createUser(h, 'partner', orgX);
      return { token: admin.token, path: `/api/v1/users/${user.id}/deactivate`, otherBody: { other: true }, footprint: async () => (await h.prisma.user.findUnique({ where: { id: user.id } }))?.deactivatedAt?.toISOString() };
    },
    'POST /api/v1/users/{id}/reactivate': async () => {
      const user = await createUser(h, 'partner', orgX);
      await h.prisma.user.update({ where: { id: user.id }, data: { deactivatedAt: new Date() } });
      return { token: admin.token, path: `/api/v1/users/${user.id}/reactivate`, otherBody: { other: true } };
    },
    'POST /api/v1/templates': async () => {
      const key = `idem-tpl-${randomUUID().slice(0, 8)}`;
      return { token: coordinator.token, path: '/api/v1/templates', body: inDays(engineTestTemplate(key)), otherBody: inDays(engineTestTemplate(key, { name: { fr: 'Autre', en: 'Other' } })), footprint: () => h.prisma.template.count({ where: { key } }) };
    },
    'POST /api/v1/templates/preview': async () => {
      const template = inDays(engineTestTemplate(`idem-preview-${randomUUID().slice(0, 8)}`));
      return { token: coordinator.token, path: '/api/v1/templates/preview', body: { template, startDate: '2027-01-04' }, otherBody: { template, startDate: '2027-01-11' } };
    },
    'PUT /api/v1/templates/{key}/archive': async () => {
      const key = `idem-arch-${randomUUID().slice(0, 8)}`;
      await publishTemplates(h.prisma, [engineTestTemplate(key)]);
      return { token: coordinator.token, path: `/api/v1/templates/${key}/archive`, otherBody: { other: true }, footprint: () => h.prisma.templateArchive.count({ where: { key } }) };
    },
    'DELETE /api/v1/templates/{key}/archive': async () => {
      const key = `idem-unarch-${randomUUID().slice(0, 8)}`;
      await publishTemplates(h.prisma, [engineTestTemplate(key)]);
      await h.prisma.templateArchive.create({ data: { key, archivedBy: coordinator.id } });
      return { token: coordinator.token, path: `/api/v1/templates/${key}/archive`, otherBody: { other: true }, footprint: () => h.prisma.templateArchive.count({ where: { key } }) };
    },
    'POST /api/v1/programmes': async () => {
      const title = `Idem ${randomUUID().slice(0, 8)}`;
      return {
        token: coordinator.token,
        path: '/api/v1/programmes',
        body: { templateKey, title, startDate: '2026-11-28', params: { slots: { contractor: orgC } } },
        otherBody: { templateKey, title: `${title} bis`, startDate: '2026-11-28', params: { slots: { contractor: orgC } } },
        footprint: () => h.prisma.programme.count({ where: { title: { startsWith: title } } }),
      };
    },
    'POST /api/v1/programmes/{id}/partners': async () => {
      const id = await startProgramme();
      return { token: coordinator.token, path: `/api/v1/programmes/${id}/partners`, body: { organisationId: orgX, phaseKey: 'trial' }, otherBody: { organisationId: orgY, phaseKey: 'trial' }, footprint: programmeFootprint(id) };
    },
    'POST /api/v1/programmes/{id}/steps/{stepKey}/deliverables': async () => {
      const id = await withReportActive();
      return { token: contractor.token, path: `/api/v1/programmes/${id}/steps/report/deliverables`, body: { title: 'Rapport', url: 'https://example.org/a.pdf' }, otherBody: { title: 'Rapport', url: 'https://example.org/b.pdf' }, footprint: programmeFootprint(id) };
    },
    'POST /api/v1/programmes/{id}/steps/{stepKey}/deliverables/{deliverableId}/review': async () => {
      const { id, deliverableId } = await withDeliverable();
      return { token: coordinator.token, path: `/api/v1/programmes/${id}/steps/report/deliverables/${deliverableId}/review`, body: { decision: 'accepted' }, otherBody: { decision: 'rejected' }, footprint: programmeFootprint(id) };
    },
    'POST /api/v1/programmes/{id}/steps/{stepKey}/complete': async () => {
      const id = await startProgramme();
      return { token: coordinator.token, path: `/api/v1/programmes/${id}/steps/kickoff/complete`, body: { note: 'fait' }, otherBody: { note: 'fait autrement' }, footprint: programmeFootprint(id) };
    },
    'PATCH /api/v1/programmes/{id}/steps/{stepKey}': async () => {
      const id = await withReportActive();
      return { token: coordinator.token, path: `/api/v1/programmes/${id}/steps/report`, body: { dueDate: '2027-01-15' }, otherBody: { dueDate: '2027-01-22' }, footprint: programmeFootprint(id) };
    },
    'POST /api/v1/programmes/{id}/phases/{phaseKey}/approve': async () => {
      const id = await atGate();
      return { token: coordinator.token, path: `/api/v1/programmes/${id}/phases/trial/approve`, otherBody: { other: true }, footprint: programmeFootprint(id) };
    },
    'POST /api/v1/programmes/{id}/cancel': async () => {
      const id = await startProgramme();
      return { token: coordinator.token, path: `/api/v1/programmes/${id}/cancel`, body: { reason: 'plus de budget' }, otherBody: { reason: 'autre raison' }, footprint: programmeFootprint(id) };
    },
    'PUT /api/v1/programmes/{id}/team': async () => {
      const id = await startProgramme();
      const [first, second] = [await createUser(h, 'coordinator'), await createUser(h, 'coordinator')];
      const members = async () => JSON.stringify((await h.prisma.programmeMember.findMany({ where: { programmeId: id }, orderBy: { userId: 'asc' } })).map((m) => m.userId));
      return { token: coordinator.token, path: `/api/v1/programmes/${id}/team`, body: { members: [first.id] }, otherBody: { members: [second.id] }, footprint: members };
    },
    'POST /api/v1/programmes/{id}/pause': async () => {
      const id = await startProgramme();
      return { token: coordinator.token, path: `/api/v1/programmes/${id}/pause`, otherBody: { other: true }, footprint: programmeFootprint(id) };
    },
    'POST /api/v1/programmes/{id}/resume': async () => {
      const id = await startProgramme();
      const paused = await api.post(`/api/v1/programmes/${id}/pause`, undefined, coordinator.token);
      if (paused.status !== 200) throw new Error(`pause: ${paused.status}`);
      return { token: coordinator.token, path: `/api/v1/programmes/${id}/resume`, otherBody: { other: true }, footprint: programmeFootprint(id) };
    },
    'POST /api/v1/programmes/{id}/indicators/{key}': async () => {
      const id = await startProgramme();
      return { token: coordinator.token, path: `/api/v1/programmes/${id}/indicators/interviews`, body: { increment: 1 }, otherBody: { increment: 2 }, footprint: programmeFootprint(id) };
    },
    'POST /api/v1/programmes/{id}/import': async () => {
      const id = await startProgramme();
      const csv = (value: number) => Buffer.from(`cle;type;phase;etape;organisation;date;indicateur;valeur;note\r\nK1;indicateur;;;;28/11/2026;interviews;${value};\r\n`).toString('base64');
      return { token: coordinator.token, path: `/api/v1/programmes/${id}/import`, body: { fileName: 'suivi.csv', content: csv(3), confirm: true }, otherBody: { fileName: 'suivi.csv', content: csv(4), confirm: true }, footprint: programmeFootprint(id) };
    },
    'POST /api/v1/programmes/{id}/children': async () => {
      const id = await startProgramme();
      return { token: coordinator.token, path: `/api/v1/programmes/${id}/children`, body: { childKey: 'sub', title: 'Lot 1' }, otherBody: { childKey: 'sub', title: 'Lot 2' }, footprint: programmeFootprint(id) };
    },
    'POST /api/v1/programmes/{id}/upgrade': async () => {
      // A template of its own (other cases start from the shared one's latest version), with a corrected version 2.
      const key = `idem-maj-${randomUUID().slice(0, 8)}`;
      await publishTemplates(h.prisma, [engineTestTemplate(key)]);
      const started = await api.post('/api/v1/programmes', { templateKey: key, title: 'Idem mise à niveau', startDate: '2026-11-28', params: { slots: { contractor: orgC } } }, coordinator.token);
      if (started.status !== 201) throw new Error(`start: ${started.status}`);
      await publishTemplates(h.prisma, [{ ...engineTestTemplate(key, { name: { fr: 'Programme de test corrigé', en: 'Corrected test programme' } }), version: 2 }]);
      const id = started.body.id as string;
      return { token: coordinator.token, path: `/api/v1/programmes/${id}/upgrade`, body: { version: 2 }, otherBody: { version: 1 }, footprint: programmeFootprint(id) };
    },
    'POST /api/v1/me/calendar-feed': async () => {
      const user = await createUser(h, 'partner', orgX);
      return { token: user.token, path: '/api/v1/me/calendar-feed', otherBody: { other: true }, footprint: async () => (await h.prisma.user.findUnique({ where: { id: user.id } }))?.calendarTokenHash };
    },
    'DELETE /api/v1/me/calendar-feed': async () => {
      const user = await createUser(h, 'partner', orgX);
      return { token: user.token, path: '/api/v1/me/calendar-feed', otherBody: { other: true } };
    },
    'POST /api/v1/notifications/{id}/retry': async () => {
      const id = `ntf_${randomUUID()}`;
      await h.prisma.notification.create({ data: { id, kind: 'step_due', recipient: 'x@test.jalons', status: 'failed', payload: {} } });
      // A failed notification whose record cannot be rebuilt: the refusal (409) is the first answer, replayed all the same.
      return { token: coordinator.token, path: `/api/v1/notifications/${id}/retry`, otherBody: { other: true }, firstMayFail: true };
    },
    'PATCH /api/v1/me/notification-preferences': async () => {
      const user = await createUser(h, 'partner', orgX);
      return { token: user.token, path: '/api/v1/me/notification-preferences', body: { delivery: 'digest' }, otherBody: { delivery: 'immediate' } };
    },
    'PATCH /api/v1/notification-preferences/by-token': async () => {
      const user = await createUser(h, 'partner', orgX);
      const token = signPreferenceToken(await loadLinkSecret(redis), user.id);
      return { path: '/api/v1/notification-preferences/by-token', query: `token=${token}`, body: { delivery: 'digest' }, otherBody: { delivery: 'immediate' } };
    },
    'POST /api/v1/notification-preferences/unsubscribe': async () => {
      const user = await createUser(h, 'partner', orgX);
      const token = signPreferenceToken(await loadLinkSecret(redis), user.id);
      return { path: '/api/v1/notification-preferences/unsubscribe', query: `token=${token}`, otherBody: { other: true } };
    },
  };
  /** Write routes that take no Idempotency-Key, and why. */
  const WITHOUT_KEY: Record<string, string> = {
    'POST /api/v1/auth/logout': 'the session that scopes the key is gone after the first call: a retry is 401 and nothing is done twice',
  };

  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    api = apiClient(h.apiUrl);
    redis = new Redis(h.endpoints.REDIS_URL, { maxRetriesPerRequest: 1 });
    await publishTemplates(h.prisma, [
      engineTestTemplate(subKey),
      engineTestTemplate(templateKey, { children: [{ key: 'sub', templateKey: subKey, title: { fr: 'Lot', en: 'Lot' }, start: 'byCoordinator', repeatable: true }] }),
    ]);
    [orgC, orgX, orgY] = await Promise.all([createOrganisation(h), createOrganisation(h), createOrganisation(h)]);
    admin = await createUser(h, 'admin');
    coordinator = await createUser(h, 'coordinator');
    contractor = await createUser(h, 'partner', orgC);
  });
  afterAll(async () => {
    redis?.disconnect();
    await h?.stop();
  });

  it('POST /organisations twice with one key: the second gets the first answer, not 409, and one organisation exists', async () => {
    const key = randomUUID();
    const name = `Mission locale ${randomUUID().slice(0, 6)}`;
    const first = await send('POST', '/api/v1/organisations', { token: coordinator.token, key, body: { name, kind: 'association' } });
    const second = await send('POST', '/api/v1/organisations', { token: coordinator.token, key, body: { name, kind: 'association' } });
    expect(first.status).toBe(201);
    expect({ status: second.status, text: second.text, replayed: second.replayed }).toEqual({ status: 201, text: first.text, replayed: 'true' });
    expect(await h.prisma.organisation.count({ where: { name } })).toBe(1);
    // Without a key, the same body is a new request: the name is taken.
    expect((await send('POST', '/api/v1/organisations', { token: coordinator.token, body: { name, kind: 'association' } })).status).toBe(409);
  });

  it('PATCH a step twice with one key and two dates: the second is 422 and the first date stays', async () => {
    const id = await withReportActive();
    const key = randomUUID();
    const first = await send('PATCH', `/api/v1/programmes/${id}/steps/report`, { token: coordinator.token, key, body: { dueDate: '2027-02-01' } });
    expect(first.status).toBe(200);
    const second = await send('PATCH', `/api/v1/programmes/${id}/steps/report`, { token: coordinator.token, key, body: { dueDate: '2027-03-01' } });
    expect({ status: second.status, code: second.json?.code }).toEqual({ status: 422, code: 'idempotency_key_reused' });
    const view = await api.get(`/api/v1/programmes/${id}`, coordinator.token);
    const report = view.body.phases.flatMap((p: { steps: { key: string; dueDate: string }[] }) => p.steps).find((s: { key: string }) => s.key === 'report');
    expect(report.dueDate).toBe('2027-02-01');
  });

  it('scopes keys to the caller: another user with the same key and body makes their own', async () => {
    const key = randomUUID();
    const other = await createUser(h, 'coordinator');
    const body = { name: `Org A ${randomUUID().slice(0, 6)}`, kind: 'association' };
    const mine = await send('POST', '/api/v1/organisations', { token: coordinator.token, key, body });
    const theirs = await send('POST', '/api/v1/organisations', { token: other.token, key, body: { ...body, name: `${body.name} (2)` } });
    expect([mine.status, theirs.status, theirs.replayed]).toEqual([201, 201, null]);
    expect(theirs.json.id).not.toBe(mine.json.id);
  });

  it('keeps keys for at least 24 hours, and neither the key nor the answer in clear', async () => {
    const key = `clear-text-key-${randomUUID()}`;
    const name = `Org secrète ${randomUUID().slice(0, 6)}`;
    expect((await send('POST', '/api/v1/organisations', { token: coordinator.token, key, body: { name, kind: 'association' } })).status).toBe(201);
    const rows = await h.prisma.$queryRaw<{ id: string; body: string; created_at: Date; expires_at: Date }[]>`SELECT id, body, created_at, expires_at FROM idempotency_keys WHERE caller_id = ${coordinator.id} ORDER BY created_at DESC LIMIT 1`;
    expect(rows).toHaveLength(1);
    expect(rows[0]!.expires_at.getTime() - rows[0]!.created_at.getTime()).toBeGreaterThanOrEqual(24 * 3600 * 1000);
    expect(rows[0]!.id).not.toContain(key);
    expect(rows[0]!.body).not.toContain(name);
  });

  it('answers two simultaneous requests with one key once: one programme', async () => {
    const key = randomUUID();
    const title = `Concurrent ${randomUUID().slice(0, 6)}`;
    const body = { templateKey, title, startDate: '2026-11-28', params: { slots: { contractor: orgC } } };
    const answers = await Promise.all([1, 2, 3].map(() => send('POST', '/api/v1/programmes', { token: coordinator.token, key, body })));
    // Each answer is the programme (first or replayed) or "still in progress" (409, Retry-After).
    for (const a of answers) expect([201, 409]).toContain(a.status);
    expect(answers.filter((a) => a.status === 201).length).toBeGreaterThanOrEqual(1);
    for (const a of answers.filter((x) => x.status === 409)) expect(a.json.code).toBe('idempotency_request_in_progress');
    expect(await h.prisma.programme.count({ where: { title } })).toBe(1);
    const retried = await send('POST', '/api/v1/programmes', { token: coordinator.token, key, body });
    expect({ status: retried.status, replayed: retried.replayed, id: retried.json.id }).toEqual({ status: 201, replayed: 'true', id: answers.find((a) => a.status === 201)!.json.id });
  });

  it('replays an upload retried with a new multipart boundary, and refuses another file under the same key', async () => {
    const id = await withReportActive();
    const pdf = (text: string) => new Blob([Buffer.from(`%PDF-1.7\n${text}\n%%EOF\n`)], { type: 'application/pdf' });
    const upload = async (key: string, text: string) => {
      const form = new FormData();
      form.append('title', 'Rapport');
      form.append('file', pdf(text), 'rapport.pdf');
      const res = await fetch(`${h.apiUrl}/api/v1/programmes/${id}/steps/report/deliverables`, { method: 'POST', headers: { Authorization: `Bearer ${contractor.token}`, 'Idempotency-Key': key }, body: form });
      return { status: res.status, text: await res.text(), replayed: res.headers.get('idempotent-replayed') };
    };
    const key = randomUUID();
    const first = await upload(key, 'contenu');
    const again = await upload(key, 'contenu');
    const other = await upload(key, 'autre contenu');
    expect(first.status).toBe(201);
    expect({ status: again.status, text: again.text, replayed: again.replayed }).toEqual({ status: 201, text: first.text, replayed: 'true' });
    expect({ status: other.status, code: JSON.parse(other.text).code }).toEqual({ status: 422, code: 'idempotency_key_reused' });
    const view = await api.get(`/api/v1/programmes/${id}`, contractor.token);
    const report = view.body.phases.flatMap((p: { steps: { key: string; deliverables: unknown[] }[] }) => p.steps).find((s: { key: string }) => s.key === 'report');
    expect(report.deliverables).toHaveLength(1);
  });

  it('documents the key (1 to 200 characters) on every write route, and has a retry case for each: same key and body → same answer, other body → 422', async () => {
    const doc = await fetchOpenApi(h.apiUrl);
    const ops = writeOperations(doc);
    expect(ops.length).toBeGreaterThan(15);
    const label = (op: WriteOperation) => `${op.method} ${op.path}`;
    const declared = (op: WriteOperation) => {
      const p = (doc.paths[op.path]![op.method.toLowerCase()]!.parameters ?? []).find((x) => x.in === 'header' && x.name === 'Idempotency-Key');
      return p ? { minLength: p.schema?.minLength, maxLength: p.schema?.maxLength } : undefined;
    };
    const withKey = ops.filter((op) => !(label(op) in WITHOUT_KEY));
    expect(ops.filter((op) => label(op) in WITHOUT_KEY).map((op) => [label(op), declared(op)])).toEqual(Object.keys(WITHOUT_KEY).map((l) => [l, undefined]));
    expect(withKey.filter((op) => JSON.stringify(declared(op)) !== JSON.stringify({ minLength: 1, maxLength: 200 })).map(label)).toEqual([]);
    // A new write route needs a retry case here.
    expect(withKey.map(label).filter((l) => !(l in CASES))).toEqual([]);

    const failures: string[] = [];
    for (const op of withKey) {
      const name = label(op);
      try {
        const c = await CASES[name]!();
        const url = `${c.path}${c.query ? `?${c.query}` : ''}`;
        const key = randomUUID();
        const first = await send(op.method, url, { token: c.token, key, body: c.body });
        if (!c.firstMayFail && first.status >= 300) throw new Error(`first answer ${first.status}: ${first.text.slice(0, 300)}`);
        if (first.status >= 500) throw new Error(`first answer ${first.status}: ${first.text.slice(0, 300)}`);
        const before = await c.footprint?.();
        const again = await send(op.method, url, { token: c.token, key, body: c.body });
        if (again.status !== first.status || again.text !== first.text || again.replayed !== 'true') {
          throw new Error(`retry answered ${again.status} (replayed: ${again.replayed}) ${again.text.slice(0, 200)} instead of ${first.status} ${first.text.slice(0, 200)}`);
        }
        const other = await send(op.method, url, { token: c.token, key, body: c.otherBody });
        if (other.status !== 422 || other.json?.code !== 'idempotency_key_reused') throw new Error(`other body answered ${other.status} ${other.text.slice(0, 200)}`);
        const after = await c.footprint?.();
        if (JSON.stringify(after) !== JSON.stringify(before)) throw new Error(`applied again: ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
      } catch (err) {
        failures.push(`${name}: ${(err as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it('answers 405 with an Allow header to a method a known path does not declare', async () => {
    const res = await fetch(`${h.apiUrl}/api/v1/organisations`, { method: 'DELETE', headers: { Authorization: `Bearer ${admin.token}` } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD, POST');
    expect(((await res.json()) as { code: string }).code).toBe('method_not_allowed');
    expect((await fetch(`${h.apiUrl}/api/v1/programmes/prg_x/pause`, { method: 'GET' })).status).toBe(405);
    expect((await fetch(`${h.apiUrl}/api/v1/no-such-path`, { method: 'DELETE' })).status).toBe(404);
    // The most specific path decides: /templates/preview is not a template named "preview" (found by Schemathesis).
    const preview = await fetch(`${h.apiUrl}/api/v1/templates/preview`, { method: 'GET', headers: { Authorization: `Bearer ${admin.token}` } });
    expect({ status: preview.status, allow: preview.headers.get('allow') }).toEqual({ status: 405, allow: 'POST' });
    const options = await fetch(`${h.apiUrl}/api/v1/templates/preview`, { method: 'OPTIONS' });
    expect({ status: options.status, allow: options.headers.get('allow') }).toEqual({ status: 204, allow: 'POST' });
    expect((await fetch(`${h.apiUrl}/api/v1/templates/defi`, { method: 'GET', headers: { Authorization: `Bearer ${admin.token}` } })).status).toBe(200);
  });
});
