import http from 'node:http';

export interface Balancer {
  url: string;
  /** Requests each backend served and the 503s the balancer answered itself. */
  stats(): { served: Record<string, number>; unavailable: number; retriedElsewhere: number };
  close(): Promise<void>;
}

/** Bodies up to this size are kept so a request refused at connect time is sent to the other backend. */
const MAX_BUFFERED_BODY = 32 * 1024 * 1024;
const DOWN_FOR_MS = 2_000;

/**
 * A small round-robin HTTP balancer on loopback for `npm run topology` (in production, the
 * platform's load balancer does this: nginx, Traefik, a cloud LB). Each request goes to the next
 * backend that is not marked down. A backend refusing the connection is marked down for 2 s and
 * the request is sent to the next one (nothing reached the API, so this is safe for any method).
 * A backend that dies after receiving the request leaves its outcome unknown: the balancer
 * answers 503 `dependency_unavailable` with `Retry-After: 1`, the API's own answer when a
 * dependency is away, and the client retries with the same Idempotency-Key. A GET or HEAD cut that
 * way is sent to the other backend instead (a read changes nothing).
 */
export async function startBalancer(backends: () => string[], opts: { port?: number; host?: string } = {}): Promise<Balancer> {
  let next = 0;
  const downUntil = new Map<string, number>();
  const served: Record<string, number> = {};
  let unavailable = 0;
  let retriedElsewhere = 0;

  const answer503 = (res: http.ServerResponse, detail: string) => {
    unavailable++;
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(503, { 'Content-Type': 'application/problem+json', 'Retry-After': '1' });
    res.end(JSON.stringify({ type: 'about:blank', title: 'Service Unavailable', status: 503, code: 'dependency_unavailable', detail }));
  };

  const forward = (req: http.IncomingMessage, res: http.ServerResponse, body: Buffer, tried: Set<string>) => {
    const all = backends();
    const now = Date.now();
    const candidates = all.filter((b) => !tried.has(b));
    const healthy = candidates.filter((b) => (downUntil.get(b) ?? 0) <= now);
    const pool = healthy.length ? healthy : candidates;
    if (!pool.length) return answer503(res, 'No API process is available; retry shortly.');
    const backend = pool[next++ % pool.length]!;
    tried.add(backend);
    const target = new URL(backend);
    const upstream = http.request(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '' }, agent: false },
      (up) => {
        served[backend] = (served[backend] ?? 0) + 1;
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
        up.on('error', () => res.destroy());
      },
    );
    let sent = false;
    upstream.on('socket', (socket) => socket.once('connect', () => (sent = true)));
    upstream.on('error', (err: NodeJS.ErrnoException) => {
      if (!sent && (err.code === 'ECONNREFUSED' || err.code === 'ECONNRESET' || err.code === 'EHOSTUNREACH')) {
        downUntil.set(backend, Date.now() + DOWN_FOR_MS);
        retriedElsewhere++;
        return forward(req, res, body, tried);
      }
      downUntil.set(backend, Date.now() + DOWN_FOR_MS);
      // A read changes nothing: sent again to the other backend as long as no answer has begun.
      if ((req.method === 'GET' || req.method === 'HEAD') && !res.headersSent) {
        retriedElsewhere++;
        return forward(req, res, body, tried);
      }
      answer503(res, 'The API process handling this request stopped; its outcome is unknown. Retry with the same Idempotency-Key.');
    });
    upstream.end(body);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BUFFERED_BODY) {
        res.writeHead(413, { 'Content-Type': 'application/problem+json' });
        res.end(JSON.stringify({ status: 413, code: 'payload_too_large' }));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => forward(req, res, Buffer.concat(chunks), new Set()));
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    stats: () => ({ served: { ...served }, unavailable, retriedElsewhere }),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
