import { randomUUID } from 'node:crypto';
import i18next from 'i18next';
import { fr } from '../../web/src/i18n/fr';
import { apiClient, createOrganisation, createUser, startHarness, type Harness, type TestUser } from '../support/harness';

/** The sign-in limiter (failures only, per account and per address) and the calendar feed token. */
describe('sign-in limiter', () => {
  let h: Harness;
  let api: ReturnType<typeof apiClient>;

  /** Each case signs in from an address of its own (the API trusts X-Forwarded-For from loopback only). */
  const address = () => `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250) + 1}`;
  const signIn = (email: string, password: string, from: string) => api.call('POST', '/api/v1/auth/login', { body: { email, password }, headers: { 'X-Forwarded-For': from } });

  beforeAll(async () => {
    h = await startHarness({ notifier: false, worker: false });
    api = apiClient(h.apiUrl);
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('never locks out ten (or twelve) successful sign-ins in a row', async () => {
    const user = await createUser(h, 'coordinator');
    const from = address();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await signIn(user.email, user.password, from)).status);
    expect(statuses).toEqual(new Array(12).fill(200));
  });

  it('locks an account after ten failures, says in French how many minutes remain, and leaves other accounts alone', async () => {
    const user = await createUser(h, 'partner', await createOrganisation(h));
    const other = await createUser(h, 'partner', await createOrganisation(h));
    const from = address();
    for (let i = 0; i < 10; i++) expect((await signIn(user.email, 'wrong password', from)).status).toBe(401);
    const locked = await signIn(user.email, user.password, from);
    expect({ status: locked.status, code: locked.body.code, params: locked.body.params }).toEqual({ status: 429, code: 'sign_in_locked', params: { minutes: 15 } });
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(14 * 60);
    // The web UI renders the code's sentence with its parameter.
    await i18next.init({ lng: 'fr', resources: { fr: { translation: fr } }, interpolation: { escapeValue: false } });
    expect(i18next.t('errors.codes.sign_in_locked', locked.body.params)).toBe('Trop de tentatives de connexion échouées : réessayez dans 15 min.');
    // The lock is the account's: from another address too; another account from the same address signs in.
    expect((await signIn(user.email, user.password, address())).status).toBe(429);
    expect((await signIn(other.email, other.password, from)).status).toBe(200);
  });

  it('clears the account count on a success', async () => {
    const user = await createUser(h, 'manager');
    const from = address();
    for (let i = 0; i < 9; i++) expect((await signIn(user.email, 'wrong password', from)).status).toBe(401);
    expect((await signIn(user.email, user.password, from)).status).toBe(200);
    for (let i = 0; i < 9; i++) expect((await signIn(user.email, 'wrong password', from)).status).toBe(401);
    expect((await signIn(user.email, user.password, from)).status).toBe(200);
  });

  it('locks an address after fifty failures across accounts, whatever the account', async () => {
    const from = address();
    for (let i = 0; i < 50; i++) expect((await signIn(`nobody-${i}-${randomUUID().slice(0, 6)}@test.jalons`, 'wrong password', from)).status).toBe(401);
    const user = await createUser(h, 'manager');
    const refused = await signIn(user.email, user.password, from);
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 429, code: 'sign_in_locked' });
    expect((await signIn(user.email, user.password, address())).status).toBe(200);
  });
});

describe('calendar feed token', () => {
  let h: Harness;
  let api: ReturnType<typeof apiClient>;
  let partner: TestUser;

  beforeAll(async () => {
    h = await startHarness({ notifier: false, worker: false });
    api = apiClient(h.apiUrl);
    partner = await createUser(h, 'partner', await createOrganisation(h));
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('opens the feed only, survives logout, is kept hashed, and stops when regenerated or revoked', async () => {
    expect((await api.get('/api/v1/me/calendar-feed', partner.token)).body).toEqual({ active: false, createdAt: null });
    const made = await api.post('/api/v1/me/calendar-feed', undefined, partner.token);
    expect(made.status).toBe(201);
    const { url, token } = made.body as { url: string; token: string };
    expect(url).toBe(`${h.config.APP_URL ?? `http://localhost:${h.config.PORT}`}/api/v1/calendar.ics?token=${token}`);
    expect(token).toMatch(/^cal_[\w-]{40,}$/);
    const feed = (t: string) => api.get(`/api/v1/calendar.ics?token=${encodeURIComponent(t)}`);
    const ok = await feed(token);
    expect(ok.status).toBe(200);
    expect(String(ok.body).startsWith('BEGIN:VCALENDAR')).toBe(true);
    expect((await api.get('/api/v1/me/calendar-feed', partner.token)).body.active).toBe(true);

    // Stored hashed: the token is in no column.
    const row = await h.prisma.user.findUniqueOrThrow({ where: { id: partner.id } });
    expect(JSON.stringify(row)).not.toContain(token.slice(4));

    // Good for the feed only: as a bearer it is refused everywhere, /me included; in the query of another route too.
    const me = await api.get('/api/v1/me', token);
    expect({ status: me.status, code: me.body.code }).toEqual({ status: 401, code: 'calendar_token_only' });
    expect((await api.get('/api/v1/calendar.ics', token)).status).toBe(401);
    expect((await api.get(`/api/v1/programmes?token=${encodeURIComponent(token)}`)).status).toBe(401);
    expect((await api.post('/api/v1/me/calendar-feed', undefined, token)).status).toBe(401);
    // A session token is not a feed token.
    expect((await feed(partner.token)).status).toBe(401);

    // The session ends; the feed goes on.
    expect((await api.post('/api/v1/auth/logout', undefined, partner.token)).status).toBe(204);
    expect((await api.get('/api/v1/me', partner.token)).status).toBe(401);
    expect((await feed(token)).status).toBe(200);

    // Regenerated: the old link stops, the new one works; revoked: none works.
    const session = (await api.post('/api/v1/auth/login', { email: partner.email, password: partner.password })).body.token as string;
    const again = await api.post('/api/v1/me/calendar-feed', undefined, session);
    expect(again.body.token).not.toBe(token);
    expect((await feed(token)).status).toBe(401);
    expect((await feed(again.body.token)).status).toBe(200);
    expect((await api.call('DELETE', '/api/v1/me/calendar-feed', { token: session })).status).toBe(204);
    expect((await feed(again.body.token)).status).toBe(401);
    expect((await api.get('/api/v1/me/calendar-feed', session)).body).toEqual({ active: false, createdAt: null });
  });
});
