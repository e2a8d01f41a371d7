import { Prisma, type PrismaClient } from '../generated/prisma/client';
import type { SessionUser } from './auth';

/**
 * A programme's team: its coordinator, the coordinators added to it (`programme_members`), and
 * the team of its parent (a tender opened by DEFI belongs to DEFI's team too). Coordinators act
 * on the programmes of their team only; admins act everywhere; managers read everything.
 *
 * The rule as one SQL condition on a `programmes` row aliased `p`, so that lists (tasks, the
 * calendar feed, dead letters) and single-programme checks cannot drift apart.
 */
export function onTeamSql(userId: string): Prisma.Sql {
  return Prisma.sql`(p.coordinator_id = ${userId}
    OR EXISTS (SELECT 1 FROM programme_members m WHERE m.user_id = ${userId} AND (m.programme_id = p.id OR m.programme_id = p.parent_id))
    OR EXISTS (SELECT 1 FROM programmes pp WHERE pp.id = p.parent_id AND pp.coordinator_id = ${userId}))`;
}

/** Whether the caller is on the programme's team (admins always are; managers and partners never). */
export async function isOnTeam(prisma: PrismaClient, programmeId: string, user: Pick<SessionUser, 'id' | 'role'>): Promise<boolean> {
  if (user.role === 'admin') return true;
  if (user.role !== 'coordinator') return false;
  const rows = await prisma.$queryRaw<{ on_team: boolean }[]>`SELECT ${onTeamSql(user.id)} AS on_team FROM programmes p WHERE p.id = ${programmeId}`;
  return rows[0]?.on_team === true;
}

export interface TeamMember {
  userId: string;
  name: string;
  role: string;
  /** `coordinator`: the programme's (or its parent's) coordinator; `member`: added to it; `parent`: added to its parent. */
  via: 'coordinator' | 'member' | 'parent';
  addedAt: string | null;
}

export async function listTeam(prisma: PrismaClient, programmeId: string): Promise<TeamMember[]> {
  const rows = await prisma.$queryRaw<{ user_id: string; name: string; role: string; via: TeamMember['via']; added_at: Date | null }[]>`
    SELECT DISTINCT ON (t.user_id) t.user_id, u.name, u.role::text AS role, t.via, t.added_at
    FROM (
      SELECT p.coordinator_id AS user_id, 'coordinator' AS via, NULL::timestamptz AS added_at, 0 AS rank FROM programmes p WHERE p.id = ${programmeId} AND p.coordinator_id IS NOT NULL
      UNION ALL
      SELECT pp.coordinator_id, 'coordinator', NULL, 0 FROM programmes p JOIN programmes pp ON pp.id = p.parent_id WHERE p.id = ${programmeId} AND pp.coordinator_id IS NOT NULL
      UNION ALL
      SELECT m.user_id, 'member', m.added_at, 1 FROM programme_members m WHERE m.programme_id = ${programmeId}
      UNION ALL
      SELECT m.user_id, 'parent', m.added_at, 2 FROM programmes p JOIN programme_members m ON m.programme_id = p.parent_id WHERE p.id = ${programmeId}
    ) t JOIN users u ON u.id = t.user_id
    ORDER BY t.user_id, t.rank`;
  return rows
    .map((r) => ({ userId: r.user_id, name: r.name, role: r.role, via: r.via, addedAt: r.added_at?.toISOString() ?? null }))
    .sort((a, b) => a.via.localeCompare(b.via) || a.name.localeCompare(b.name));
}

/** Replaces the programme's added members (its coordinator stays); the caller has checked who may. */
export async function replaceTeam(prisma: PrismaClient, programmeId: string, userIds: string[], addedBy: string): Promise<void> {
  await prisma.$transaction([
    prisma.programmeMember.deleteMany({ where: { programmeId, userId: { notIn: userIds } } }),
    prisma.programmeMember.createMany({ data: userIds.map((userId) => ({ programmeId, userId, addedBy })), skipDuplicates: true }),
  ]);
}
