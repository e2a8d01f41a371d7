import { Prisma, type PrismaClient } from '../generated/prisma/client';

/**
 * Natural batching: a call made while no flush runs is flushed at once (alone, no added wait);
 * calls made while a flush runs wait for it and then go together in the next one, up to
 * `maxBatch`. Each caller gets its own item's result, or the batch's error.
 */
export function createCoalescer<I, O>(flush: (items: I[]) => Promise<O[]>, maxBatch: number): (item: I) => Promise<O> {
  let waiting: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  let running = false;
  async function drain(): Promise<void> {
    running = true;
    while (waiting.length) {
      const batch = waiting.slice(0, maxBatch);
      waiting = waiting.slice(batch.length);
      try {
        const out = await flush(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(out[i]!));
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    running = false;
  }
  return (item) =>
    new Promise<O>((resolve, reject) => {
      waiting.push({ item, resolve, reject });
      if (!running) void drain();
    });
}

export type NotificationRow = NonNullable<Awaited<ReturnType<PrismaClient['notification']['findUnique']>>>;

/**
 * The notifier's per-message database work on the hot path, batched across the jobs that run at
 * the same time: reading the row, claiming it (`sending` under a fresh attempt token) and
 * recording the SMTP server's answer (`sent`, only by the write carrying that token). Each is one
 * statement (one round trip, one commit) for every message waiting, instead of one per message;
 * the conditions per row are those of the single-row writes, so the claim → send → record
 * protocol (notification-worker.ts) and its exactly-once guarantees are unchanged.
 */
export function createNotificationWrites(prisma: PrismaClient, maxBatch: number) {
  const read = createCoalescer<string, NotificationRow | null>(async (ids) => {
    const rows = await prisma.notification.findMany({ where: { id: { in: [...new Set(ids)] } } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    return ids.map((id) => byId.get(id) ?? null);
  }, maxBatch);

  const claim = createCoalescer<{ id: string; attemptToken: string; messageId: string }, boolean>(async (items) => {
    const values = Prisma.join(items.map((c) => Prisma.sql`(${c.id}, ${c.attemptToken}, ${c.messageId})`));
    // Never from a delivered row (sent, or carried by a digest). Two claims of one row in a batch:
    // PostgreSQL applies one of them, and only the attempt whose token the row took has won it.
    const claimed = await prisma.$queryRaw<{ id: string; attempt_token: string }[]>`
      UPDATE notifications n SET status = 'sending', attempt_token = v.token, sending_at = now(), message_id = v.message_id
      FROM (VALUES ${values}) AS v(id, token, message_id)
      WHERE n.id = v.id AND n.status NOT IN ('sent', 'digest', 'digested')
      RETURNING n.id, n.attempt_token`;
    const won = new Set(claimed.map((r) => `${r.id}\n${r.attempt_token}`));
    return items.map((c) => won.has(`${c.id}\n${c.attemptToken}`));
  }, maxBatch);

  const recordSent = createCoalescer<{ id: string; attemptToken: string; response: string }, void>(async (items) => {
    const values = Prisma.join(items.map((r) => Prisma.sql`(${r.id}, ${r.attemptToken}, ${r.response})`));
    await prisma.$executeRaw`
      UPDATE notifications n SET status = 'sent', sent_at = now(), attempts = n.attempts + 1, response = v.response, error = NULL
      FROM (VALUES ${values}) AS v(id, token, response)
      WHERE n.id = v.id AND n.attempt_token = v.token`;
    return items.map(() => undefined);
  }, maxBatch);

  return {
    /** The notification's row, or null. */
    read,
    /** True when this attempt now holds the row (`sending` under `attemptToken`); false when it was already delivered. */
    claim,
    /** Records the SMTP server's answer; a no-op when another attempt took the row over since. */
    recordSent,
  };
}
export type NotificationWrites = ReturnType<typeof createNotificationWrites>;
