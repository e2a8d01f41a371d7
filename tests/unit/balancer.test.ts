import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startBalancer, type Balancer } from '../../infra/balancer';
import { findFreePort } from '../../infra/ports';

/** The topology's balancer: round robin, a refused connection goes to the other backend, a request cut mid-way is a 503 with Retry-After. */
describe('round-robin balancer (infra/balancer.ts)', () => {
  const servers: http.Server[] = [];
  let balancer: Balancer | undefined;
  afterEach(async () => {
    await balancer?.close();
    balancer = undefined;
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });

  async function backend(handler: http.RequestListener): Promise<string> {
    const server = http.createServer(handler);
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it('alternates between backends and forwards method, body and status', async () => {
    const echo = (name: string): http.RequestListener => (req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ name, method: req.method, url: req.url, body })));
    };
    const a = await backend(echo('a'));
    const b = await backend(echo('b'));
    balancer = await startBalancer(() => [a, b]);
    const answers = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${balancer.url}/api/v1/x?i=${i}`, { method: 'POST', body: `n${i}` });
      answers.push({ status: res.status, ...((await res.json()) as { name: string; method: string; url: string; body: string }) });
    }
    expect(answers.map((x) => x.name)).toEqual(['a', 'b', 'a', 'b']);
    expect(answers[2]).toEqual({ status: 201, name: 'a', method: 'POST', url: '/api/v1/x?i=2', body: 'n2' });
    expect(balancer.stats().served).toEqual({ [a]: 2, [b]: 2 });
  });

  it('sends a request refused by a dead backend to the other one, with its body', async () => {
    const dead = `http://127.0.0.1:${await findFreePort(0)}`;
    const alive = await backend((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => res.end(body));
    });
    balancer = await startBalancer(() => [dead, alive]);
    const results = await Promise.all([1, 2, 3].map(async (i) => (await fetch(balancer!.url, { method: 'POST', body: `payload-${i}` })).text()));
    expect(results).toEqual(['payload-1', 'payload-2', 'payload-3']);
    expect(balancer.stats().retriedElsewhere).toBeGreaterThanOrEqual(1);
    expect(balancer.stats().unavailable).toBe(0);
  });

  it('answers 503 dependency_unavailable with Retry-After when a backend dies holding the request', async () => {
    const dying = await backend((req) => req.socket.destroy());
    balancer = await startBalancer(() => [dying]);
    const res = await fetch(`${balancer.url}/api/v1/programmes/p/steps/s/complete`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as { code: string }).code).toBe('dependency_unavailable');
    expect(balancer.stats().unavailable).toBe(1);
  });

  it('sends a GET cut by a dying backend to the other one', async () => {
    const dying = await backend((req) => req.socket.destroy());
    const alive = await backend((_req, res) => res.end('from the other one'));
    balancer = await startBalancer(() => [dying, alive]);
    const answers = await Promise.all([1, 2].map(async () => {
      const res = await fetch(`${balancer!.url}/api/v1/tasks`);
      return { status: res.status, body: await res.text() };
    }));
    expect(answers).toEqual([{ status: 200, body: 'from the other one' }, { status: 200, body: 'from the other one' }]);
    expect(balancer.stats().unavailable).toBe(0);
  });

  it('answers 503 when no backend is listening', async () => {
    const nobody = `http://127.0.0.1:${await findFreePort(0)}`;
    balancer = await startBalancer(() => [nobody]);
    const res = await fetch(`${balancer.url}/healthz`);
    expect({ status: res.status, retryAfter: res.headers.get('retry-after') }).toEqual({ status: 503, retryAfter: '1' });
  });
});
