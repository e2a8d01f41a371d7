/**
 * Read-side isolation, twin of the write-route catalogue (tests/support/route-catalogue.ts): every
 * GET route of the served OpenAPI document, for each role, against a fixture with secret strings
 * planted in data the role may not read (another organisation's bid, file, notes, users,
 * organisation names; a sealed tender's bids for staff outside its team). No answer may contain
 * one, and an id the role may not see answers 404, as an unknown one does. The routes come from
 * the document: a new GET route is covered without editing this test (a new kind of path
 * parameter needs a line in PARAMS, or the test fails saying so). The live-update stream is read
 * while the programmes change; the calendar feed is one of the documented routes.
 */
import { randomUUID } from 'node:crypto';
import { toParisDate } from '../../domain/calendar';
import { hashPassword } from '../../server/auth';
import { apiClient, createOrganisation, publishTemplates, startHarness, waitFor, type Harness } from '../support/harness';
import { fetchOpenApi, fillPath, type OpenApiDocument } from '../support/route-catalogue';
import { engineTestTemplate } from '../support/test-templates';

type Role = 'admin' | 'teamCoordinator' | 'outsiderCoordinator' | 'manager' | 'partnerA' | 'strangerPartner';
const ROLES: Role[] = ['admin', 'teamCoordinator', 'outsiderCoordinator', 'manager', 'partnerA', 'strangerPartner'];
const API_ROLE: Record<Role, 'admin' | 'coordinator' | 'manager' | 'partner'> = {
  admin: 'admin',
  teamCoordinator: 'coordinator',
  outsiderCoordinator: 'coordinator',
  manager: 'manager',
  partnerA: 'partner',
  strangerPartner: 'partner',
};

const tag = randomUUID().slice(0, 6);
/** Planted secrets: each one a string that must not reach whoever may not read it. */
const S = {
  tenderTitle: `Consultation escape game ${tag}`,
  bidB: `Offre B — 12 500 € HT, délai 6 semaines ${tag}`,
  fileB: `offre-beta-confidentielle-${tag}.pdf`,
  fileBContent: `Contenu secret de l offre Beta ${tag}`,
  reviewNoteB: `Note de revue : prix de Beta tres bas ${tag}`,
  partNoteB: `Beta confirme son offre ferme ${tag}`,
  userB: `Bertrand Secretissime ${tag}`,
  emailB: `bertrand.secretissime.${tag}@beta.test`,
  orgB: `Beta Secret Conseil ${tag}`,
  userC: `Camille Cachee ${tag}`,
  emailC: `camille.cachee.${tag}@gamma.test`,
  orgC: `Gamma Cachee SARL ${tag}`,
  bidA: `Offre AFPA — 11 900 € HT ${tag}`,
  fileA: `offre-afpa-${tag}.pdf`,
  userA: `Alice Afpa ${tag}`,
  emailA: `alice.afpa.${tag}@afpa.test`,
  orgA: `AFPA Test ${tag}`,
  rivalTitle: `Programme d Epsilon sans AFPA ${tag}`,
  rivalReport: `Rapport confidentiel d Epsilon ${tag}`,
  userE: `Benoit Epsilon ${tag}`,
  orgE: `Epsilon Formation ${tag}`,
};

/** What each role must never read. Staff read everything except a sealed tender's bids, bidders and their people. */
const SEALED = [S.bidB, S.fileB, S.fileBContent, S.reviewNoteB, S.partNoteB, S.userB, S.emailB, S.bidA, S.fileA, S.userA, S.emailA, S.userC, S.emailC];
const SECRETS: Record<Role, string[]> = {
  admin: [],
  teamCoordinator: [],
  outsiderCoordinator: SEALED,
  manager: SEALED,
  partnerA: [S.bidB, S.fileB, S.fileBContent, S.reviewNoteB, S.partNoteB, S.userB, S.emailB, S.orgB, S.userC, S.emailC, S.orgC, S.rivalTitle, S.rivalReport, S.userE, S.orgE],
  strangerPartner: [...Object.values(S)],
};

const PDF = (text: string) => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from(`${text}\n`.repeat(20)), Buffer.from('%%EOF\n')]);

/** Plain text of an answer as a reader would get it: iCalendar lines unfolded and unescaped. */
function readable(text: string): string {
  return text.replace(/\r?\n[ \t]/g, '').replace(/\\([,;\\])/g, '$1').replace(/\\n/gi, '\n');
}

describe('read isolation: every GET route, the stream and the feed, for each role', () => {
  let h: Harness;
  let api: ReturnType<typeof apiClient>;
  let doc: OpenApiDocument;
  const tokens = {} as Record<Role, string>;
  const userIds = {} as Record<string, string>;
  let orgA: string, orgB: string, orgC: string, orgE: string;
  let tokenB: string, tokenE: string, tokenA: string, tokenC: string;
  const ids = { tender: '', rival: '', bidB: '', bidA: '', spec: '', rivalReport: '' };

  async function namedUser(role: 'admin' | 'coordinator' | 'manager' | 'partner', name: string, email: string, organisationId?: string): Promise<{ id: string; token: string }> {
    const id = `usr_${randomUUID()}`;
    const password = `pw-${randomUUID()}`;
    await h.prisma.user.create({ data: { id, email, name, role, organisationId: organisationId ?? null, passwordHash: await hashPassword(password) } });
    const res = await api.post<{ token: string }>('/api/v1/auth/login', { email, password });
    if (res.status !== 200) throw new Error(`login ${email}: ${res.status}`);
    return { id, token: res.body.token };
  }

  async function ok<T = any>(what: string, p: Promise<{ status: number; body: T }>, status = [200, 201]): Promise<T> {
    const res = await p;
    if (!status.includes(res.status)) throw new Error(`fixture: ${what} answered ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async function uploadFile(programmeId: string, stepKey: string, token: string, name: string, content: string, title: string): Promise<string> {
    const form = new FormData();
    form.append('title', title);
    form.append('file', new Blob([PDF(content)], { type: 'application/pdf' }), name);
    const res = await fetch(`${h.apiUrl}/api/v1/programmes/${programmeId}/steps/${stepKey}/deliverables`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: form });
    const body = (await res.json()) as { id: string };
    if (res.status !== 201) throw new Error(`fixture: upload ${name} answered ${res.status} ${JSON.stringify(body)}`);
    return body.id;
  }

  beforeAll(async () => {
    h = await startHarness({ notifier: false });
    api = apiClient(h.apiUrl);
    const rivalKey = `isolation-${tag}`;
    await publishTemplates(h.prisma, [engineTestTemplate(rivalKey)]);
    [orgA, orgB, orgC, orgE] = await Promise.all([createOrganisation(h, S.orgA), createOrganisation(h, S.orgB), createOrganisation(h, S.orgC), createOrganisation(h, S.orgE)]);
    const orgD = await createOrganisation(h, `Delta sans part ${tag}`);

    const team = await namedUser('coordinator', `Coordination ${tag}`, `coord.${tag}@jalons.test`);
    tokens.teamCoordinator = team.token;
    tokens.outsiderCoordinator = (await namedUser('coordinator', `Autre chargé ${tag}`, `autre.${tag}@jalons.test`)).token;
    tokens.admin = (await namedUser('admin', `Admin ${tag}`, `admin.${tag}@jalons.test`)).token;
    tokens.manager = (await namedUser('manager', `Direction ${tag}`, `direction.${tag}@jalons.test`)).token;
    const a = await namedUser('partner', S.userA, S.emailA, orgA);
    tokens.partnerA = tokenA = a.token;
    tokens.strangerPartner = (await namedUser('partner', `Delta ${tag}`, `delta.${tag}@delta.test`, orgD)).token;
    const b = await namedUser('partner', S.userB, S.emailB, orgB);
    tokenB = b.token;
    userIds.b = b.id;
    tokenE = (await namedUser('partner', S.userE, `benoit.${tag}@epsilon.test`, orgE)).token;
    tokenC = (await namedUser('partner', S.userC, S.emailC, orgC)).token;

    // The tender: AFPA, Beta and Gamma consulted; Beta and AFPA bid with a file, Beta's bid reviewed with a note, Beta's part done.
    const today = toParisDate(new Date());
    const deadline = toParisDate(new Date(Date.now() + 3 * 86_400_000));
    const T = tokens.teamCoordinator;
    ids.tender = (await ok('start tender', api.post('/api/v1/programmes', { templateKey: 'tender', title: S.tenderTitle, startDate: today, params: { dates: { 'answers-deadline': deadline } } }, T))).id;
    ids.spec = (await ok('specification', api.post(`/api/v1/programmes/${ids.tender}/steps/write-specification/deliverables`, { title: 'Cahier des charges', url: 'https://example.org/cctp.pdf' }, T))).id;
    await ok('complete specification', api.post(`/api/v1/programmes/${ids.tender}/steps/write-specification/complete`, {}, T));
    for (const org of [orgA, orgB, orgC]) await ok('enrol', api.post(`/api/v1/programmes/${ids.tender}/partners`, { organisationId: org, phaseKey: 'consultation' }, T));
    await ok('send', api.post(`/api/v1/programmes/${ids.tender}/steps/send/complete`, {}, T));
    ids.bidB = await uploadFile(ids.tender, 'answers', tokenB, S.fileB, S.fileBContent, S.bidB);
    ids.bidA = await uploadFile(ids.tender, 'answers', tokenA, S.fileA, `Offre AFPA ${tag}`, S.bidA);
    await ok('review', api.post(`/api/v1/programmes/${ids.tender}/steps/answers/deliverables/${ids.bidB}/review`, { decision: 'accepted', note: S.reviewNoteB }, T));
    await ok('part B', api.post(`/api/v1/programmes/${ids.tender}/steps/answers/complete`, { note: S.partNoteB }, tokenB));

    // A programme of Epsilon's where AFPA has no part (a stranger to AFPA, open to staff).
    ids.rival = (await ok('start rival', api.post('/api/v1/programmes', { templateKey: rivalKey, title: S.rivalTitle, startDate: today, params: { slots: { contractor: orgE } } }, T))).id;
    await ok('kickoff', api.post(`/api/v1/programmes/${ids.rival}/steps/kickoff/complete`, {}, T));
    ids.rivalReport = (await ok('rival report', api.post(`/api/v1/programmes/${ids.rival}/steps/report/deliverables`, { title: S.rivalReport, url: 'https://example.org/rapport-beta.pdf' }, tokenE))).id;

    // Notifications to the providers (tender consultation, assignments) and a dead letter to Beta's bidder.
    await waitFor('tender notifications to Beta', async () => (await h.prisma.notification.count({ where: { programmeId: ids.tender, userId: b.id } })) > 0);
    await h.prisma.notification.create({ data: { id: `ntf_secret_${tag}`, programmeId: ids.tender, stepKey: 'answers', kind: 'assignment', recipient: S.emailB, userId: b.id, status: 'failed', error: `rejected ${S.emailB}`, payload: {} } });
    doc = await fetchOpenApi(h.apiUrl);
  });
  afterAll(async () => {
    await h?.stop();
  });

  /** Ids each role may not read: a foreign id must answer 404 (as an unknown one does). */
  function foreign(role: Role): Set<string> {
    const unknown = ['prg_unknown-isolation', 'dlv_unknown-isolation'];
    const byRole: Record<Role, string[]> = {
      admin: [],
      teamCoordinator: [],
      outsiderCoordinator: [ids.bidA, ids.bidB],
      manager: [ids.bidA, ids.bidB],
      partnerA: [ids.rival, ids.bidB, ids.rivalReport, ids.spec],
      strangerPartner: [ids.tender, ids.rival, ids.bidA, ids.bidB, ids.rivalReport, ids.spec],
    };
    return new Set([...unknown, ...byRole[role]]);
  }

  /** Values tried for each kind of path parameter, keyed by the segment before it. */
  function params(): Record<string, string[]> {
    return {
      'programmes/{id}': [ids.tender, ids.rival, 'prg_unknown-isolation'],
      'steps/{stepKey}': ['answers', 'write-specification', 'report'],
      'deliverables/{deliverableId}': [ids.bidA, ids.bidB, ids.spec, ids.rivalReport, 'dlv_unknown-isolation'],
      'templates/{key}': ['tender'],
    };
  }

  interface Call {
    method: string;
    template: string;
    url: string;
    values: string[];
    roles: string[] | 'signedIn' | 'public';
  }

  function getCalls(): { calls: Call[]; unbuildable: string[] } {
    const values = params();
    const calls: Call[] = [];
    const unbuildable: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths)) {
      const op = ops.get;
      if (!op) continue;
      const segments = path.split('/');
      const pathParams = segments.flatMap((seg, i) => (/^\{\w+\}$/.test(seg) ? [{ name: seg.slice(1, -1), key: `${segments[i - 1]}/${seg}` }] : []));
      const missing = pathParams.filter((p) => !(p.key in values));
      if (missing.length) {
        unbuildable.push(`GET ${path}: no values for ${missing.map((m) => m.key).join(', ')}`);
        continue;
      }
      // Required query parameters get a plausible value (a signed-link token is refused anyway).
      const query = (op.parameters ?? []).filter((p) => p.in === 'query' && p.required).map((p) => `${encodeURIComponent(p.name)}=${'x'.repeat(Math.max(20, p.schema?.minLength ?? 0))}`);
      let combos: Record<string, string>[] = [{}];
      for (const p of pathParams) combos = combos.flatMap((c) => values[p.key]!.map((v) => ({ ...c, [p.name]: v })));
      for (const c of combos) {
        calls.push({
          method: 'GET',
          template: path,
          url: `${fillPath(path, Object.fromEntries(Object.entries(c).map(([k, v]) => [k, encodeURIComponent(v)])))}${query.length ? `?${query.join('&')}` : ''}`,
          values: Object.values(c),
          roles: op.security && op.security.length === 0 ? 'public' : (op['x-roles'] ?? 'signedIn'),
        });
      }
    }
    return { calls, unbuildable };
  }

  /** Status, headers and body (a stream is read for a moment, then closed). */
  async function fetchText(url: string, token: string, readMs = 1500): Promise<{ status: number; text: string }> {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), readMs);
    let status = 0;
    let text = '';
    try {
      const res = await fetch(`${h.apiUrl}${url}`, { headers: { Authorization: `Bearer ${token}` }, signal: controller.signal });
      status = res.status;
      text = [...res.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n') + '\n\n';
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const chunk = await reader.read();
        if (chunk.done) break;
        text += decoder.decode(chunk.value, { stream: true });
      }
    } catch (err) {
      if ((err as Error).name !== 'AbortError') throw err;
    } finally {
      clearTimeout(timer);
    }
    return { status, text };
  }

  it('has a way to build every GET route of the OpenAPI document, and plants secrets the entitled can read', async () => {
    const { calls, unbuildable } = getCalls();
    expect(unbuildable).toEqual([]);
    expect(new Set(calls.map((c) => c.template)).size).toBeGreaterThanOrEqual(15);
    // Not a vacuous sweep: the secrets are there, and those entitled to them read them.
    const teamTrail = await fetchText(`/api/v1/programmes/${ids.tender}/events?limit=200`, tokens.teamCoordinator);
    for (const s of [S.bidB, S.reviewNoteB, S.partNoteB, S.userB, S.bidA]) expect(teamTrail.text).toContain(s);
    const teamNotifications = await fetchText(`/api/v1/programmes/${ids.tender}/notifications?limit=200`, tokens.teamCoordinator);
    expect(teamNotifications.text).toContain(S.emailB);
    const bFile = await fetchText(`/api/v1/programmes/${ids.tender}/steps/answers/deliverables/${ids.bidB}/file`, tokenB);
    expect([bFile.status, bFile.text.includes(S.fileBContent), bFile.text.includes(S.fileB)]).toEqual([200, true, true]);
    const managerRival = await fetchText(`/api/v1/programmes/${ids.rival}`, tokens.manager);
    expect(managerRival.text).toContain(S.rivalReport);
    const afpaTender = await fetchText(`/api/v1/programmes/${ids.tender}`, tokens.partnerA);
    expect([afpaTender.status, afpaTender.text.includes(S.bidA)]).toEqual([200, true]);
    const afpaFile = await fetchText(`/api/v1/programmes/${ids.tender}/steps/answers/deliverables/${ids.bidA}/file`, tokens.partnerA);
    expect(afpaFile.status).toBe(200);
    const failed = await fetchText('/api/v1/notifications/failed?limit=200', tokens.teamCoordinator);
    expect(failed.text).toContain(S.emailB);
  });

  it.each(ROLES)('answers %s with none of its secrets on any GET route, and 404 for what it may not see', async (role) => {
    const { calls } = getCalls();
    const secrets = SECRETS[role];
    const hidden = foreign(role);
    const problems: string[] = [];
    for (const call of calls) {
      const { status, text } = await fetchText(call.url, tokens[role]);
      const plain = readable(text);
      const leaked = secrets.filter((s) => plain.includes(s) || text.includes(s));
      if (leaked.length) problems.push(`${call.url} (${status}) shows ${leaked.map((s) => JSON.stringify(s)).join(', ')}`);
      if (status >= 500 || status === 0) problems.push(`${call.url} answered ${status}`);
      const allowed = call.roles === 'public' || call.roles === 'signedIn' || call.roles.includes(API_ROLE[role]);
      if (!allowed) {
        if (status !== 403) problems.push(`${call.url} answered ${status} to a role it is not for (403 expected)`);
      } else if (call.values.some((v) => hidden.has(v)) && status !== 404) {
        problems.push(`${call.url} answered ${status} for an id ${role} may not see (404 expected)`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('keeps sealed bids, bidders and counts out of staff views outside the team, and other bidders out of AFPA’s', async () => {
    for (const role of ['manager', 'outsiderCoordinator'] as const) {
      const view = (await api.get(`/api/v1/programmes/${ids.tender}`, tokens[role])).body;
      const answers = view.phases.flatMap((p: { steps: unknown[] }) => p.steps).find((s: { key: string }) => s.key === 'answers');
      expect([answers.deliverables, answers.parts, answers.assignee.organisationIds, view.partners]).toEqual([[], {}, [], []]);
      expect(view.phases.find((p: { key: string }) => p.key === 'consultation').capacity).toBeNull();
      // Dashboard alerts name no bidder (the answers are due within the week: at risk).
      const dashboard = (await api.get('/api/v1/dashboard', tokens[role])).body;
      const alerts = [...dashboard.lateSteps, ...dashboard.atRiskSteps].filter((a: { programmeId: string }) => a.programmeId === ids.tender);
      expect(alerts.filter((a: { stepKey: string }) => a.stepKey === 'answers')).toHaveLength(1);
      expect(alerts.map((a: { organisationId: string | null }) => a.organisationId).filter(Boolean)).toEqual([]);
    }
        const teamDashboard = (await api.get('/api/v1/dashboard', tokens.teamCoordinator)).body;
    expect(teamDashboard.atRiskSteps.filter((a: { programmeId: string; stepKey: string }) => a.programmeId === ids.tender && a.stepKey === 'answers').map((a: { organisationId: string }) => a.organisationId).sort()).toEqual([orgA, orgC].sort());
    const afpa = (await api.get(`/api/v1/programmes/${ids.tender}`, tokens.partnerA)).body;
    const answers = afpa.phases.flatMap((p: { steps: unknown[] }) => p.steps).find((s: { key: string }) => s.key === 'answers');
    expect(answers.deliverables.map((d: { title: string }) => d.title)).toEqual([S.bidA]);
    expect(answers.assignee.organisationIds).toEqual([orgA]);
    // "3 partenaire(s) sur 30" tells a bidder how many competitors it has: no count for partners.
    expect(afpa.phases.find((p: { key: string }) => p.key === 'consultation').capacity).toBeNull();
    expect(afpa.partners.map((p: { organisationId: string }) => p.organisationId)).toEqual([orgA]);
    const trail = (await api.get(`/api/v1/programmes/${ids.tender}/events?limit=200`, tokens.partnerA)).body.items;
    expect(trail.filter((e: { type: string }) => e.type === 'deliverable.added').map((e: { data: { title: string } }) => e.data.title)).toEqual([S.bidA]);
    // A partner's list counts its own late steps and due dates only; B's own programme is not in AFPA's list.
    const list = (await api.get('/api/v1/programmes?limit=200', tokens.partnerA)).body.items.map((p: { id: string }) => p.id);
    expect(list).toContain(ids.tender);
    expect(list).not.toContain(ids.rival);
  });

  it('streams live updates only for programmes the role may see, with nothing secret', async () => {
    const reads = ROLES.map((role) => fetchText('/api/v1/events/stream', tokens[role], 6000).then((r) => ({ role, ...r })));
    // Let every stream subscribe, then change both programmes (and put them back).
    await new Promise((r) => setTimeout(r, 1500));
    const T = tokens.teamCoordinator;
    for (const id of [ids.rival, ids.tender]) {
      await ok('pause', api.post(`/api/v1/programmes/${id}/pause`, {}, T));
      await ok('resume', api.post(`/api/v1/programmes/${id}/resume`, {}, T));
    }
    await ok('rival indicator', api.post(`/api/v1/programmes/${ids.rival}/indicators/interviews`, { increment: 1 }, tokenE));
    const results = await Promise.all(reads);
    const seen = (role: Role) => results.find((r) => r.role === role)!;
    for (const r of results) {
      expect(r.status).toBe(200);
      expect(SECRETS[r.role].filter((s) => r.text.includes(s))).toEqual([]);
    }
    expect([seen('manager').text.includes(ids.rival), seen('manager').text.includes(ids.tender)]).toEqual([true, true]);
    expect([seen('partnerA').text.includes(ids.tender), seen('partnerA').text.includes(ids.rival)]).toEqual([true, false]);
    expect([seen('strangerPartner').text.includes(ids.tender), seen('strangerPartner').text.includes(ids.rival)]).toEqual([false, false]);
    // Gamma took part in the tender only.
    const gamma = await fetchText('/api/v1/programmes?limit=200', tokenC);
    expect([gamma.text.includes(ids.tender), gamma.text.includes(ids.rival)]).toEqual([true, false]);
  });
});
