import { z } from 'zod';
import type { AppContext } from '../context';
import { defineRoute } from '../http';

const ZHealth = z.object({
  status: z.enum(['ok', 'degraded']),
  dependencies: z.object({ temporal: z.string(), database: z.string(), redis: z.string() }),
});

async function probe(check: () => Promise<unknown>, timeoutMs = 2000): Promise<string> {
  try {
    await Promise.race([check(), new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), timeoutMs).unref())]);
    return 'up';
  } catch {
    return 'down';
  }
}

export function systemRoutes(ctx: AppContext) {
  return [
    defineRoute({
      method: 'get',
      path: '/healthz',
      summary: 'Health of the API and each dependency; 503 when one is down',
      tags: ['system'],
      auth: 'public',
      response: ZHealth,
      async handler({ res }) {
        const [temporal, database, redis] = await Promise.all([
          probe(() => ctx.temporal.ping()),
          probe(() => ctx.prisma.$queryRaw`SELECT 1`),
          probe(() => ctx.redis.ping()),
        ]);
        const ok = temporal === 'up' && database === 'up' && redis === 'up';
        res.status(ok ? 200 : 503);
        return { status: ok ? ('ok' as const) : ('degraded' as const), dependencies: { temporal, database, redis } };
      },
    }),
  ];
}
