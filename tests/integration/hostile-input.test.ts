import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import type { ProgrammeState } from '../../domain/programme-state';
import { API_INFO, collectRoutes } from '../../server/app';
import type { AppContext } from '../../server/context';
import { buildOpenApi } from '../../server/http';
import { apiClient, createOrganisation, createUser, publishTemplates, startHarness, type Harness, type TestUser } from '../support/harness';
import {
  bodyArbitrary,
  CHECK_EVERY,
  POLLUTION_MARK,
  preview,
  problemIssues,
  queryArbitrary,
  queryString,
  REQUEST_TIMEOUT_MS,
  ROUTE_TIME_LIMIT_MS,
  routeSeed,
  RUNS,
  SEED,
  segmentKey,
  SEGMENTS,
  SLOW_FAILURE_MS,
  type ActorRole,
  type Answer,
  type FixtureRef,
  type HostileCase,
  type Hints,
  type Segment,
} from '../support/hostile-inputs';
import { expectReadModelInSync } from '../support/read-model';
import { allows, fetchOpenApi, fillPath, writeOperations, type WriteOperation } from '../support/route-catalogue';
import { engineTestTemplate } from '../support/test-templates';

/**
 * Random and hostile bodies thrown at every write route of the served OpenAPI document, on the
 * real server (Temporal, PostgreSQL, Redis). Whatever arrives:
 *  1. the API never answers 5xx (nor fails to answer);
 *  2. every error is RFC 9457 problem+json (type, title, status, detail) with no stack trace,
 *     SQL, file path or other internal in it;
 *  3. a refused request (4xx) leaves the programme as it was (version and audit sequence of the
 *     workflow, checked against the PostgreSQL read model every few runs); after a 5xx the test
 *     also says whether the programme moved all the same or its read model fell behind.
 * Along the way: no uncaught exception (it would end a real API process), no polluted
 * Object.prototype (the API runs in this process), no half-written upload left behind.
 * Replay a failure with HOSTILE_SEED (and the `path` fast-check prints); HOSTILE_RUNS_SCALE scales the runs.
 */

/**
 * The write routes, from the same route table the server mounts (as scripts/generate-api-types.ts
 * builds the OpenAPI document without a server), so that each route and actor is a case of its own;
 * the first case checks that the served document lists the same routes.
 */
const OPERATIONS: WriteOperation[] = writeOperations(JSON.parse(JSON.stringify(buildOpenApi(collectRoutes({} as AppContext), API_INFO))));

/** Every route as a coordinator; as an admin where coordinators may not call it; as a partner where partners may. */
function rolesFor(op: WriteOperation): ActorRole[] {
  const roles: ActorRole[] = ['coordinator'];
  if (!allows(op, 'coordinator') && allows(op, 'admin')) roles.push('admin');
  if (op.access !== 'public' && op.access !== 'signedIn' && op.access.includes('partner')) roles.push('partner');
  return roles;
}
const CASES = OPERATIONS.flatMap((op) => rolesFor(op).map((role) => ({ label: `${op.method} ${op.path} as ${role}`, op, role })));

describe('hostile input on every write route', () => {
  let h: Harness;
  let api: ReturnType<typeof apiClient>;
  const templateKey = `hostile-${Date.now()}`;
  let orgC: string, orgX: string, orgY: string;
  let fixtureCoordinator: TestUser;
  let fixtureContractor: TestUser;

  interface Actor {
    id: string;
    role: ActorRole;
    organisationId?: string;
    token: string;
    sessions: number;
  }
  const actors = {} as Record<ActorRole, Actor>;

  /** The programme the routes aim at: kickoff done, the contractor's report active with one deliverable awaiting review. */
  let fixture: Record<FixtureRef, string> & { programmeId: string; builds: number } = { programme: '', programmeId: '', deliverable: '', notification: '', organisation: '', user: '', builds: 0 };
  let baseline: ProgrammeState;
  const hints = (): Hints => ({ templateKey, organisationId: orgY, assignee: orgX, phaseKey: 'trial', slot: 'contractor', decision: 'rejected', childKey: 'no-such-child', kind: 'report' });
  let prototypeKeys: string[] = [];
  let uploadsTmp = '';
  const summary: { route: string; actor: ActorRole; runs: number; statuses: Record<string, number>; ms: number }[] = [];
  const started = Date.now();
  let fixtureSuspect = false;

  async function newActor(role: ActorRole, organisationId?: string): Promise<Actor> {
    const user = await createUser(h, role, organisationId);
    return { id: user.id, role, organisationId, token: user.token, sessions: 1 };
  }

  async function buildFixture(): Promise<void> {
    // A programme left wedged by a failure would retry its projection forever: stop it.
    if (fixtureSuspect && fixture.programmeId) await h.client.workflow.getHandle(fixture.programmeId).terminate('left inconsistent by the hostile-input test').catch(() => undefined);
    const started = await api.post('/api/v1/programmes', { templateKey, title: 'Cible des entrées hostiles', startDate: '2026-11-28', params: { slots: { contractor: orgC } } }, fixtureCoordinator.token);
    if (started.status !== 201) throw new Error(`fixture: start answered ${started.status} ${JSON.stringify(started.body)}`);
    const id: string = started.body.id;
    // The acting coordinator is on the programme's team, so its writes reach the lifecycle.
    const team = await api.call('PUT', `/api/v1/programmes/${id}/team`, { body: { members: [actors.coordinator.id] }, token: fixtureCoordinator.token });
    if (team.status !== 200) throw new Error(`fixture: team answered ${team.status} ${JSON.stringify(team.body)}`);
    const kickoff = await api.post(`/api/v1/programmes/${id}/steps/kickoff/complete`, {}, fixtureCoordinator.token);
    if (kickoff.status !== 200) throw new Error(`fixture: kickoff answered ${kickoff.status} ${JSON.stringify(kickoff.body)}`);
    const d = await api.post(`/api/v1/programmes/${id}/steps/report/deliverables`, { title: 'Rapport', url: 'https://example.org/rapport.pdf' }, fixtureContractor.token);
    if (d.status !== 201) throw new Error(`fixture: deliverable answered ${d.status} ${JSON.stringify(d.body)}`);
    // A notification of the programme (step assigned...) for routes that act on one; an unknown id when there is none.
    const notification = await h.prisma.notification.findFirst({ where: { programmeId: id }, select: { id: true } });
    fixture = { ...fixture, programme: id, programmeId: id, deliverable: d.body.id, notification: notification?.id ?? 'ntf_none', builds: fixture.builds + 1 };
    baseline = await expectReadModelInSync(h, id);
    fixtureSuspect = false;
  }

  /** A due date within minutes means reminder timers will move the state on their own. */
  const timersSoon = (s: ProgrammeState) => s.status === 'active' && s.steps.some((st) => st.status === 'active' && st.dueAt !== undefined && Date.parse(st.dueAt) - Date.now() < 180_000);
  const fresh = (s: ProgrammeState) =>
    s.status === 'active' &&
    !timersSoon(s) &&
    s.steps.find((st) => st.key === 'report')?.status === 'active' &&
    s.steps.find((st) => st.key === 'report')?.deliverables.find((d) => d.id === fixture.deliverable)?.status === 'submitted';

  /** The API runs in this process: an error nobody listens for (an 'error' event on a stream...) would end a real server. */
  const uncaught: string[] = [];
  let capturing = false;

  beforeAll(async () => {
    try {
      process.setUncaughtExceptionCaptureCallback((err) => uncaught.push(err instanceof Error ? (err.stack ?? err.message) : String(err)));
      capturing = true;
    } catch {
      /* someone else captures them: they will still fail the run */
    }
    h = await startHarness({ notifier: false });
    api = apiClient(h.apiUrl);
    await publishTemplates(h.prisma, [engineTestTemplate(templateKey)]);
    [orgC, orgX, orgY] = await Promise.all([createOrganisation(h), createOrganisation(h), createOrganisation(h)]);
    fixtureCoordinator = await createUser(h, 'coordinator');
    fixtureContractor = await createUser(h, 'partner', orgC);
    actors.coordinator = await newActor('coordinator');
    actors.partner = await newActor('partner', orgC);
    actors.admin = await newActor('admin');
    // Offboarding routes aim at an organisation and a user of their own: archiving or deactivating them touches nothing else.
    fixture.organisation = await createOrganisation(h);
    fixture.user = (await createUser(h, 'partner', fixture.organisation)).id;
    await buildFixture();
    prototypeKeys = Object.getOwnPropertyNames(Object.prototype).sort();
    uploadsTmp = path.join(h.config.dataDir, 'uploads', 'tmp');
  });
  afterAll(async () => {
    await h?.stop();
    if (capturing) process.setUncaughtExceptionCaptureCallback(null);
  });

  it('covers every write route the server serves, each with a way to build its path', async () => {
    const served = writeOperations(await fetchOpenApi(h.apiUrl));
    expect(served.map((op) => `${op.method} ${op.path}`).sort()).toEqual(OPERATIONS.map((op) => `${op.method} ${op.path}`).sort());
    expect(OPERATIONS.length).toBeGreaterThan(10);
    // A new write route must say how its path parameters are built, or this test fails.
    const unbuildable = OPERATIONS.flatMap((op) => op.pathParams.filter((p) => !(segmentKey(p) in SEGMENTS)).map((p) => `${op.method} ${op.path}: no builder for ${segmentKey(p)}`));
    expect(unbuildable).toEqual([]);
  });

  // Per route and actor: never 5xx, every error a clean problem, nothing changed by a refusal.
  it.each(CASES.map((c) => [c.label, c] as const))('%s', async (_label, { op, role }) => {
    const failures: string[] = [];
    const label = `${op.method} ${op.path} as ${role}`;
    const actor = actors[role];
    const routeStarted = Date.now();
    const statuses: Record<string, number> = {};
    let runs = 0;
    let sinceCheck = 0;
    /** Refused requests sent since the read model was last compared with the baseline. */
    let unchecked: string[] = [];

    try {
      if (fixtureSuspect) await buildFixture();
      const state = await expectReadModelInSync(h, fixture.programmeId);
      if (!fresh(state)) await buildFixture();
      else baseline = state;
    } catch (err) {
      failures.push(`before ${label}: the fixture's read model no longer matches its workflow (left so by an earlier route): ${(err as Error).message.slice(0, 2000)}`);
      fixtureSuspect = true;
      await buildFixture();
    }

    const describeCase = (c: HostileCase) => {
      const segments = Object.fromEntries(Object.entries(c.segments).map(([k, s]) => [k, 'ref' in s ? `<fixture ${s.ref}>` : s.literal]));
      return `${op.method} ${fillPath(op.path, segments)}${queryString(c.query)} as ${role} — ${c.body.kind}; Content-Type: ${c.body.contentType ?? '(none)'}${c.body.contentEncoding ? `; Content-Encoding: ${c.body.contentEncoding}` : ''}${c.idempotencyKey ? `; Idempotency-Key: ${c.idempotencyKey}` : ''}; body ${preview(c.body.body)}`;
    };
    const caseArbitrary = fc
      .record({
        segments: fc.record(Object.fromEntries(op.pathParams.map((p) => [p.name, SEGMENTS[segmentKey(p)]!]))) as fc.Arbitrary<Record<string, Segment>>,
        query: queryArbitrary(op, hints()),
        body: bodyArbitrary(op, hints()),
        // Shared keys reused across routes: a retry key must not answer another route's result.
        idempotencyKey: fc.option(fc.constantFrom('hostile-shared-1', 'hostile-shared-2', 'x'.repeat(250)), { freq: 8 }),
      })
      .map((c) => Object.assign(c, { [fc.toStringMethod]: () => describeCase(c) }));

    async function send(c: HostileCase): Promise<Answer & { url: string }> {
      const segments = Object.fromEntries(Object.entries(c.segments).map(([k, s]) => [k, 'literal' in s ? s.literal : encodeURIComponent(fixture[s.ref])]));
      const url = `${h.apiUrl}${fillPath(op.path, segments)}${queryString(c.query)}`;
      const headers: Record<string, string> = { Authorization: `Bearer ${actor.token}` };
      if (c.body.contentType !== undefined) headers['Content-Type'] = c.body.contentType;
      if (c.body.contentEncoding !== undefined) headers['Content-Encoding'] = c.body.contentEncoding;
      if (c.idempotencyKey !== null) headers['Idempotency-Key'] = c.idempotencyKey;
      // Bytes, not a string: fetch would otherwise add a text/plain content type of its own.
      const body = typeof c.body.body === 'string' ? Buffer.from(c.body.body) : c.body.body;
      try {
        const res = await fetch(url, { method: op.method, headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
        return { url, status: res.status, contentType: res.headers.get('content-type') ?? '', text: await res.text() };
      } catch (err) {
        return { url, status: 0, contentType: '', text: '', error: `${(err as Error).name}: ${(err as Error).message}${(err as { cause?: Error }).cause ? ` (${(err as { cause?: Error }).cause?.message})` : ''}` };
      }
    }

    /** Compares the fixture's workflow state and read model with the baseline. */
    async function expectUnchanged(): Promise<void> {
      const batch = unchecked;
      unchecked = [];
      sinceCheck = 0;
      let now: ProgrammeState;
      try {
        now = await expectReadModelInSync(h, fixture.programmeId);
      } catch (err) {
        fixtureSuspect = true;
        throw new Error(`The read model no longer matches the workflow after these refused requests:\n  ${batch.join('\n  ')}\n${(err as Error).message}`);
      }
      if (now.version !== baseline.version || now.eventSeq !== baseline.eventSeq) {
        const was = baseline;
        baseline = now;
        throw new Error(`The programme changed (version ${was.version} → ${now.version}, eventSeq ${was.eventSeq} → ${now.eventSeq}) although every request since the last check was refused:\n  ${batch.join('\n  ')}`);
      }
    }

    /** After a 5xx or no answer: did the programme change all the same, or is its read model left behind? */
    async function afterFailure(): Promise<string> {
      unchecked = [];
      sinceCheck = 0;
      try {
        const now = await expectReadModelInSync(h, fixture.programmeId);
        const was = baseline;
        baseline = now;
        return now.version !== was.version || now.eventSeq !== was.eventSeq ? `\nand the programme changed all the same (version ${was.version} → ${now.version}, eventSeq ${was.eventSeq} → ${now.eventSeq})` : '';
      } catch (err) {
        fixtureSuspect = true;
        return `\nand the programme's read model no longer matches its workflow: ${(err as Error).message.slice(0, 1500)}`;
      }
    }

    /** A 2xx is legitimate: the caller's session may have ended (logout), the programme may have moved (re-read it). */
    async function afterSuccess(): Promise<void> {
      if ((await api.get('/api/v1/me', actor.token)).status === 401) {
        const user = await createUser(h, actor.role, actor.organisationId);
        Object.assign(actor, { id: user.id, token: user.token, sessions: actor.sessions + 1 });
        if (actor.role === 'coordinator') await api.call('PUT', `/api/v1/programmes/${fixture.programmeId}/team`, { body: { members: [actor.id] }, token: fixtureCoordinator.token });
      }
      try {
        const now = await expectReadModelInSync(h, fixture.programmeId);
        if (timersSoon(now)) await buildFixture();
        else baseline = now;
      } catch (err) {
        fixtureSuspect = true;
        throw new Error(`After an accepted request the read model no longer matches the workflow: ${(err as Error).message}`);
      }
      unchecked = [];
      sinceCheck = 0;
    }

    let slowFailure = false;
    const property = fc.asyncProperty(caseArbitrary, async (c) => {
      // Shrinking a failure that took the API's whole deadline would take as long again per try: report it as found.
      if (slowFailure) return;
      if (fixtureSuspect) await buildFixture();
      runs += 1;
      const sentAt = Date.now();
      const answer = await send(c);
      // An uncaught error surfaces on the next ticks after the request ends.
      await new Promise((r) => setTimeout(r, c.body.contentType?.startsWith('multipart/') ? 20 : 0));
      if (uncaught.length) throw new Error(`An uncaught exception, which ends the API process, followed this request (answered ${answer.status}):\n${uncaught.splice(0).join('\n')}`);
      if ((answer.status === 0 || answer.status >= 500) && Date.now() - sentAt > SLOW_FAILURE_MS) slowFailure = true;
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      if (answer.status === 0 || answer.status >= 500) {
        throw new Error(`${answer.status === 0 ? `No HTTP answer: ${answer.error}` : `Answered ${answer.status}: ${answer.text.slice(0, 1000)}`}${await afterFailure()}`);
      }
      const issues = problemIssues(answer);
      if (issues.length) throw new Error(`Answered ${answer.status} with a malformed problem: ${issues.join('; ')}\n${answer.text.slice(0, 1000)}`);
      if (answer.status < 300) {
        await afterSuccess();
        return;
      }
      unchecked.push(`${answer.status} ← ${describeCase(c)}`);
      if (++sinceCheck >= CHECK_EVERY) await expectUnchanged();
    });

    const details = await fc.check(property, {
      seed: routeSeed(label),
      numRuns: RUNS[role],
      plugins: [fc.interruptAfterTimeLimit(ROUTE_TIME_LIMIT_MS, { failOnInterrupt: true })],
    });
    if (details.failed) failures.push(`${label} (HOSTILE_SEED=${SEED})\n${fc.defaultReportMessage(details) ?? ''}\nError: ${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}`);
    else {
      try {
        await expectUnchanged();
      } catch (err) {
        failures.push(`${label}: ${(err as Error).message}`);
      }
    }

    // The server runs in this process: a polluted Object.prototype would show here.
    const polluted = Object.getOwnPropertyNames(Object.prototype).sort();
    if (JSON.stringify(polluted) !== JSON.stringify(prototypeKeys) || (({}) as Record<string, unknown>)[POLLUTION_MARK] !== undefined) {
      failures.push(`${label}: Object.prototype was polluted: ${polluted.filter((k) => !prototypeKeys.includes(k)).join(', ')}`);
      delete (Object.prototype as Record<string, unknown>)[POLLUTION_MARK];
    }
    if (uncaught.length) failures.push(`${label}: uncaught exception(s), which end the API process, after the route's requests:\n${uncaught.splice(0).join('\n')}`);
    // Refused uploads leave no half-written file behind.
    const leftovers = fs.existsSync(uploadsTmp) ? fs.readdirSync(uploadsTmp) : [];
    if (leftovers.length) failures.push(`${label}: ${leftovers.length} temporary upload file(s) left in ${uploadsTmp}`);

    summary.push({ route: `${op.method} ${op.path}`, actor: role, runs, statuses, ms: Date.now() - routeStarted });
    expect(failures).toEqual([]);
  }, ROUTE_TIME_LIMIT_MS * 2 + 60_000);

  afterAll(() => {
    const total = summary.reduce((n, s) => n + s.runs, 0);
    process.stdout.write(
      `\n[hostile-input] seed ${SEED}: ${total} requests on ${OPERATIONS.length} write routes (${summary.length} route × role properties), fixture built ${fixture.builds} time(s), ${Math.round((Date.now() - started) / 100) / 10} s\n` +
        summary.map((s) => `  ${s.route.padEnd(72)} ${s.actor.padEnd(11)} ${String(s.runs).padStart(3)} runs ${String(s.ms).padStart(6)} ms  ${JSON.stringify(s.statuses)}`).join('\n') +
        '\n',
    );
  });
});
