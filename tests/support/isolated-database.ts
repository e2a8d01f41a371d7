import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { applyMigrations } from '../../infra/migrate';
import { seedTemplates } from '../../infra/runtime';
import { createPrisma } from '../../infra/prisma';
import { BUILT_IN_TEMPLATES } from '../../templates';

/**
 * A database of its own on the shared PostgreSQL server, migrated and holding the built-in templates,
 * as `npm start` leaves one. For a test whose promise covers everything its users can see: admins and
 * managers see every programme, and the programmes of earlier files have no worker left on their task
 * queues (their Updates wait, then answer 503) and may be read-model rows written by hand.
 *
 * @param sharedUrl the shared database's URL (its server and credentials are reused)
 * @returns the new database's URL and a function dropping it (connections closed first)
 */
export async function createIsolatedDatabase(sharedUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `jalons_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  const url = new URL(sharedUrl);
  const admin = new pg.Client({ connectionString: sharedUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  url.pathname = `/${name}`;
  await applyMigrations(url.toString());
  const prisma = createPrisma(url.toString());
  try {
    await seedTemplates(prisma, BUILT_IN_TEMPLATES);
  } finally {
    await prisma.$disconnect();
  }
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: sharedUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
