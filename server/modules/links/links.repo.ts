import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../../db/schema.ts';

type Executor = Kysely<Database> | Transaction<Database>;

export type LinkRow = {
  code: string;
  workspaceId: number;
  targetId: number;
  memberId: number | null;
  broadcastId: number | null;
  messageId: number | null;
  createdAt: number;
};

/** Rows per INSERT: links have 7 bound columns and SQLite allows about 32k parameters per statement. */
const LINK_CHUNK = Math.floor(30_000 / 7);
/** URLs per lookup or insert of targets (a broadcast rarely has more than a handful). */
const TARGET_CHUNK = 500;

/** One link_target per distinct URL (UTM applied by the caller); returns url → target id. Idempotent per (broadcast, url). */
export async function ensureLinkTargets(
  executor: Executor,
  input: { workspaceId: number; broadcastId: number | null; urls: string[]; now: number },
): Promise<Map<string, number>> {
  const { workspaceId, broadcastId, now } = input;
  const urls = [...new Set(input.urls)];
  const ids = new Map<string, number>();
  for (let i = 0; i < urls.length; i += TARGET_CHUNK) {
    const chunk = urls.slice(i, i + TARGET_CHUNK);
    const existing = await executor
      .selectFrom('link_targets')
      .select(['id', 'url'])
      .where('workspace_id', '=', workspaceId)
      .where((eb) => (broadcastId === null ? eb('broadcast_id', 'is', null) : eb('broadcast_id', '=', broadcastId)))
      .where('url', 'in', chunk)
      .orderBy('id')
      .execute();
    for (const row of existing) if (!ids.has(row.url)) ids.set(row.url, Number(row.id));
    const missing = chunk.filter((url) => !ids.has(url));
    if (missing.length === 0) continue;
    const inserted = await executor
      .insertInto('link_targets')
      .values(missing.map((url) => ({ workspace_id: workspaceId, broadcast_id: broadcastId, url, created_at: now })))
      .returning(['id', 'url'])
      .execute();
    for (const row of inserted) ids.set(row.url, Number(row.id));
  }
  return ids;
}

/** Bulk insert, chunked for SQLite's parameter limit; a duplicate code (astronomically rare) raises. */
export async function insertLinks(executor: Executor, rows: readonly LinkRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += LINK_CHUNK) {
    await executor
      .insertInto('links')
      .values(
        rows.slice(i, i + LINK_CHUNK).map((row) => ({
          code: row.code,
          workspace_id: row.workspaceId,
          target_id: row.targetId,
          member_id: row.memberId,
          broadcast_id: row.broadcastId,
          message_id: row.messageId,
          created_at: row.createdAt,
        })),
      )
      .execute();
  }
}

export type ResolvedLink = {
  code: string;
  workspaceId: number;
  memberId: number | null;
  broadcastId: number | null;
  url: string;
};

/** A short link and its destination, or undefined for a code nobody issued. */
export async function findLink(executor: Executor, code: string): Promise<ResolvedLink | undefined> {
  const row = await executor
    .selectFrom('links')
    .innerJoin('link_targets', (join) =>
      join.onRef('link_targets.id', '=', 'links.target_id').onRef('link_targets.workspace_id', '=', 'links.workspace_id'),
    )
    .select(['links.code', 'links.workspace_id', 'links.member_id', 'links.broadcast_id', 'link_targets.url'])
    .where('links.code', '=', code)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    code: row.code,
    workspaceId: Number(row.workspace_id),
    memberId: row.member_id === null ? null : Number(row.member_id),
    broadcastId: row.broadcast_id === null ? null : Number(row.broadcast_id),
    url: row.url,
  };
}

/**
 * Counts a click on a link; true when it is the link's first. The first-click mark is set by a guarded update, so
 * two simultaneous first clicks cannot both count as first.
 */
export async function countClick(executor: Executor, link: Pick<ResolvedLink, 'code' | 'workspaceId'>, now: number): Promise<boolean> {
  const first = await executor
    .updateTable('links')
    .set({ first_clicked_at: now })
    .where('code', '=', link.code)
    .where('workspace_id', '=', link.workspaceId)
    .where('first_clicked_at', 'is', null)
    .executeTakeFirst();
  await executor
    .updateTable('links')
    .set((eb) => ({ clicks: eb('clicks', '+', 1) }))
    .where('code', '=', link.code)
    .where('workspace_id', '=', link.workspaceId)
    .execute();
  return Number(first.numUpdatedRows) === 1;
}

/**
 * The member a click is credited to: the survivor of a merge, nobody for an erased member (whose activity we no
 * longer record).
 */
export async function clickingMember(executor: Executor, workspaceId: number, memberId: number): Promise<number | null> {
  let id = memberId;
  for (let hop = 0; hop < 2; hop++) {
    const member = await executor
      .selectFrom('members')
      .select(['id', 'merged_into', 'erased_at'])
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!member || member.erased_at !== null) return null;
    if (member.merged_into === null) return Number(member.id);
    id = Number(member.merged_into);
  }
  return null;
}

/** Marks the member active now (never moves the mark back). */
export async function touchMember(executor: Executor, workspaceId: number, memberId: number, now: number): Promise<void> {
  await executor
    .updateTable('members')
    .set({ last_active_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', memberId)
    .where((eb) => eb.or([eb('last_active_at', 'is', null), eb('last_active_at', '<', now)]))
    .execute();
}
