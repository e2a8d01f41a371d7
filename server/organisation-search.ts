import { Prisma } from '../generated/prisma/client';

/**
 * Organisations by name, as a French reader looks for them: "eclat" finds "Compagnie Éclat",
 * "d'etudes" finds "Bureau d’études", case never matters; sorted the same way (accents and case
 * folded, then the exact name), so "Éclat" sits among the E, not after Z as the database's
 * C collation would put it. No extension needed (unaccent is not on every PostgreSQL).
 */
const ACCENTED = 'àáâãäåçèéêëìíîïñòóôõöùúûüýÿÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝŸ’‘';
const PLAIN = "aaaaaaceeeeiiiinooooouuuuyyaaaaaaceeeeiiiinooooouuuuyy''";

/** The folded form of a name, in SQL (lower() under the C collation folds ASCII only: the accented capitals are in the list). */
function folded(column: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`replace(replace(replace(replace(translate(lower(${column}), ${ACCENTED}, ${PLAIN}), 'œ', 'oe'), 'Œ', 'oe'), 'æ', 'ae'), 'Æ', 'ae')`;
}

/** `%`, `_` and `\` typed by the reader are letters to find, not LIKE wildcards. */
export function likePattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export interface OrganisationSearch {
  archived: boolean;
  /** Part of the name; absent: every organisation. */
  q?: string;
  /** The id of the last organisation of the previous page. */
  cursor?: string;
  limit: number;
}

/** One page of organisation ids in name order; `nextCursor` is the last id when more follow. */
export async function searchOrganisationIds(prisma: { $queryRaw<T>(query: Prisma.Sql): Promise<T> }, search: OrganisationSearch): Promise<{ ids: string[]; nextCursor: string | null }> {
  const name = Prisma.sql`o.name`;
  const conditions: Prisma.Sql[] = [search.archived ? Prisma.sql`o.archived_at IS NOT NULL` : Prisma.sql`o.archived_at IS NULL`];
  if (search.q) conditions.push(Prisma.sql`${folded(name)} LIKE ${folded(Prisma.sql`${likePattern(search.q)}::text`)} ESCAPE '\\'`);
  if (search.cursor) {
    const after = Prisma.sql`c.name`;
    conditions.push(Prisma.sql`(${folded(name)}, o.name) > (SELECT ${folded(after)}, c.name FROM organisations c WHERE c.id = ${search.cursor})`);
  }
  const rows = await prisma.$queryRaw<{ id: string }[]>(Prisma.sql`
    SELECT o.id FROM organisations o
    WHERE ${Prisma.join(conditions, ' AND ')}
    ORDER BY ${folded(name)}, o.name
    LIMIT ${search.limit + 1}`);
  const ids = rows.slice(0, search.limit).map((r) => r.id);
  return { ids, nextCursor: rows.length > search.limit ? ids[ids.length - 1]! : null };
}
