import { createLogger, startApiRole } from '../../infra/runtime';
import { apiClient, createOrganisation, createUser, publishTemplates, startHarness, waitFor, type Harness, type TestUser } from '../support/harness';
import { reminderTestTemplate } from '../support/test-templates';

interface StreamedEvent {
  event: string;
  id?: string;
  data: { programmeId: string; version: number; status: string; organisations?: string[] };
}

/** A browser's EventSource, in miniature: Bearer token, parsed events, resolves once the stream is open. */
async function openStream(baseUrl: string, token?: string) {
  const controller = new AbortController();
  const res = await fetch(`${baseUrl}/api/v1/events/stream`, { headers: token ? { Authorization: `Bearer ${token}` } : {}, signal: controller.signal });
  const events: StreamedEvent[] = [];
  if (res.status !== 200) return { status: res.status, contentType: res.headers.get('content-type'), events, close: () => controller.abort() };
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let onConnected: () => void = () => undefined;
  const connected = new Promise<void>((resolve) => (onConnected = resolve));
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split('\n');
          if (lines.includes(': connected')) onConnected();
          const field = (name: string) => lines.find((l) => l.startsWith(`${name}: `))?.slice(name.length + 2);
          const data = field('data');
          if (data) events.push({ event: field('event') ?? 'message', id: field('id'), data: JSON.parse(data) });
        }
      }
    } catch {
      /* aborted */
    }
  })();
  await connected;
  return { status: res.status, contentType: res.headers.get('content-type'), events, close: () => controller.abort() };
}

/**
 * Live updates: the projection publishes each programme change on Redis pub/sub, the API
 * streams it to signed-in browsers as Server-Sent Events, partners only for their programmes.
 */
describe('live programme events (SSE over Redis pub/sub)', () => {
  let h: Harness;
  let api: ReturnType<typeof apiClient>;
  let coordinator: TestUser;
  const suffix = Date.now();

  beforeAll(async () => {
    h = await startHarness();
    api = apiClient(h.apiUrl);
    coordinator = await createUser(h, 'coordinator');
    await publishTemplates(h.prisma, [reminderTestTemplate(`events-${suffix}`, 3600)]);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('refuses anonymous clients', async () => {
    const anonymous = await openStream(h.apiUrl);
    expect(anonymous.status).toBe(401);
  });

  it('streams an event to the coordinator and the involved partner when a step is completed, not to another partner', async () => {
    const org = await createOrganisation(h);
    const otherOrg = await createOrganisation(h);
    const partner = await createUser(h, 'partner', org);
    const outsider = await createUser(h, 'partner', otherOrg);
    const streams = await Promise.all([openStream(h.apiUrl, coordinator.token), openStream(h.apiUrl, partner.token), openStream(h.apiUrl, outsider.token)]);
    const [forCoordinator, forPartner, forOutsider] = streams;
    try {
      expect(forCoordinator.contentType).toMatch(/^text\/event-stream/);
      const started = await api.post('/api/v1/programmes', { templateKey: `events-${suffix}`, title: 'En direct', startDate: '2026-11-28', params: { slots: { partner: org } } }, coordinator.token);
      expect(started.status).toBe(201);
      const id = started.body.id as string;
      await waitFor('the start event', async () => forCoordinator.events.some((e) => e.data.programmeId === id));
      const before = Math.max(...forCoordinator.events.filter((e) => e.data.programmeId === id).map((e) => e.data.version));

      const completed = await api.post(`/api/v1/programmes/${id}/steps/deliver/complete`, {}, partner.token);
      expect(completed.status).toBe(200);
      const event = await waitFor('the completion event', async () => forCoordinator.events.find((e) => e.data.programmeId === id && e.data.status === 'completed'));
      expect(event.event).toBe('programme');
      expect(event.data.version).toBeGreaterThan(before);
      expect(event.id).toBe(`${id}:${event.data.version}`);
      const partnerEvent = await waitFor('the partner’s event', async () => forPartner.events.find((e) => e.data.programmeId === id && e.data.status === 'completed'));
      // Browsers get the programme, its version and status, not the list of organisations.
      expect(partnerEvent.data).toEqual({ programmeId: id, version: event.data.version, status: 'completed' });
      await new Promise((r) => setTimeout(r, 500));
      expect(forOutsider.events.filter((e) => e.data.programmeId === id)).toEqual([]);
    } finally {
      for (const s of streams) s.close();
    }
  });

  it('ends open streams when the API stops, so shutdown does not wait for browsers', async () => {
    const second = await startApiRole(h.config, h.endpoints, createLogger({ ...h.config, LOG_LEVEL: 'silent' }, 'test'), 0);
    const stream = await openStream(second.url, coordinator.token);
    const started = Date.now();
    await second.stop();
    expect(Date.now() - started).toBeLessThan(3_000);
    stream.close();
  });
});
