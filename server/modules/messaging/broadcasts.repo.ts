import { CompiledQuery, type Insertable, type Kysely, type Selectable, sql, type Transaction, type Updateable } from 'kysely';
import { dialectOf } from '../../db/dialect.ts';
import type { BroadcastStatus, BroadcastsTable, Database } from '../../db/schema.ts';
import type { Actor } from '../../http/auth.ts';
import { PRIORITY } from '../../jobs/define.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { bumpStats } from './stats.repo.ts';

export type Executor = Kysely<Database> | Transaction<Database>;
export type BroadcastRow = Selectable<BroadcastsTable>;

/**
 * expand_cursor once the whole audience is written: members who join later are not added on a resume. (Below it,
 * expand_cursor is the last member id written.)
 */
export const EXPANSION_DONE = Number.MAX_SAFE_INTEGER;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** broadcasts.audience as stored: { communityIds, tags, segmentId }. */
export function storedAudience(text: string): { communityIds: number[]; tags: string[]; segmentId: number | null } {
  const value = parseJson(text);
  if (!isRecord(value)) return { communityIds: [], tags: [], segmentId: null };
  const ids = Array.isArray(value.communityIds) ? value.communityIds.filter((id): id is number => Number.isInteger(id)) : [];
  const tags = Array.isArray(value.tags) ? value.tags.filter((tag): tag is string => typeof tag === 'string') : [];
  const segmentId = Number.isInteger(value.segmentId) ? (value.segmentId as number) : null;
  return { communityIds: ids, tags, segmentId };
}

/** broadcasts.templates as stored: language → text. */
export function storedTemplates(text: string): Record<string, string> {
  const value = parseJson(text);
  if (!isRecord(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

/** broadcasts.utm as stored, or null. */
export function storedUtm(text: string | null): { source?: string; medium?: string; campaign?: string } | null {
  const value = parseJson(text);
  if (!isRecord(value)) return null;
  const out: { source?: string; medium?: string; campaign?: string } = {};
  for (const key of ['source', 'medium', 'campaign'] as const) {
    const v = value[key];
    if (typeof v === 'string' && v !== '') out[key] = v;
  }
  return out;
}

export async function insertBroadcast(executor: Executor, row: Insertable<BroadcastsTable>): Promise<BroadcastRow> {
  const inserted = await executor.insertInto('broadcasts').values(row).returningAll().executeTakeFirstOrThrow();
  return normalize(inserted);
}

/** PostgreSQL returns bigint ids as numbers already (database.ts); SQLite too: this only pins the types. */
function normalize(row: BroadcastRow): BroadcastRow {
  return { ...row, id: Number(row.id), workspace_id: Number(row.workspace_id) };
}

export async function findBroadcast(executor: Executor, workspaceId: number, broadcastId: number): Promise<BroadcastRow | undefined> {
  const row = await executor
    .selectFrom('broadcasts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', broadcastId)
    .executeTakeFirst();
  return row ? normalize(row) : undefined;
}

/** Newest first; `cursor` is the last id of the page before. */
export async function listBroadcastRows(
  executor: Executor,
  workspaceId: number,
  query: { status?: BroadcastStatus | undefined; limit: number; cursor?: number | undefined },
): Promise<{ rows: BroadcastRow[]; nextCursor: number | null }> {
  let q = executor
    .selectFrom('broadcasts')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('id', 'desc')
    .limit(query.limit + 1);
  if (query.status) q = q.where('status', '=', query.status);
  if (query.cursor !== undefined) q = q.where('id', '<', query.cursor);
  const rows = (await q.execute()).map(normalize);
  const page = rows.slice(0, query.limit);
  return { rows: page, nextCursor: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null };
}

/**
 * Changes a broadcast only while its status is one of `from` (a concurrent change wins cleanly); returns the row as
 * changed, or undefined when its status had moved on.
 */
export async function transitionBroadcast(
  executor: Executor,
  input: { workspaceId: number; broadcastId: number; from: readonly BroadcastStatus[]; set: Updateable<BroadcastsTable> },
): Promise<BroadcastRow | undefined> {
  const row = await executor
    .updateTable('broadcasts')
    .set(input.set)
    .where('workspace_id', '=', input.workspaceId)
    .where('id', '=', input.broadcastId)
    .where('status', 'in', [...input.from])
    .returningAll()
    .executeTakeFirst();
  return row ? normalize(row) : undefined;
}

/** Every counter of many broadcasts in one query: broadcast id → key → value. */
export async function statsOf(
  executor: Executor,
  workspaceId: number,
  broadcastIds: readonly number[],
): Promise<Map<number, Map<string, number>>> {
  const out = new Map<number, Map<string, number>>();
  if (broadcastIds.length === 0) return out;
  const rows = await executor
    .selectFrom('broadcast_stats')
    .select(['broadcast_id', 'key', 'value'])
    .where('workspace_id', '=', workspaceId)
    .where('broadcast_id', 'in', [...broadcastIds])
    .execute();
  for (const row of rows) {
    const id = Number(row.broadcast_id);
    let stats = out.get(id);
    if (!stats) {
      stats = new Map();
      out.set(id, stats);
    }
    stats.set(row.key, Number(row.value));
  }
  return out;
}

/** A broadcast's waiting messages (queued) are held: the dispatcher skips them. Returns how many. */
export async function holdQueued(executor: Executor, workspaceId: number, broadcastId: number, now: number): Promise<number> {
  const result = await executor
    .updateTable('messages')
    .set({ state: 'held', updated_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('broadcast_id', '=', broadcastId)
    .where('state', '=', 'queued')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Held messages of a broadcast go back to the queue. Returns how many. */
export async function releaseHeld(executor: Executor, workspaceId: number, broadcastId: number, now: number): Promise<number> {
  const result = await executor
    .updateTable('messages')
    .set({ state: 'queued', updated_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('broadcast_id', '=', broadcastId)
    .where('state', '=', 'held')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/**
 * What a cancelled broadcast had not sent yet (queued or held) is cancelled, and counted as cancelled and finished in
 * its report. Returns how many.
 */
export async function cancelPending(executor: Executor, workspaceId: number, broadcastId: number, now: number): Promise<number> {
  const result = await executor
    .updateTable('messages')
    .set({ state: 'cancelled', error_code: 'broadcast_cancelled', lease_until: null, locked_by: null, updated_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('broadcast_id', '=', broadcastId)
    .where('state', 'in', ['queued', 'held'])
    .executeTakeFirst();
  const count = Number(result.numUpdatedRows);
  await bumpStats(executor, workspaceId, broadcastId, { cancelled: count, finished: count });
  return count;
}

/**
 * Pauses a broadcast that is sending (or still expanding): its queued messages are held until it resumes, and the
 * reason is shown to the organizer. The dispatcher calls it when failures spike (no actor); returns false when the
 * broadcast was not sending. Run it in a transaction.
 */
export async function pauseBroadcast(
  executor: Executor,
  input: { workspaceId: number; broadcastId: number; reason: string | null; now: number; actor?: Actor | null; ip?: string | null },
): Promise<boolean> {
  const { workspaceId, broadcastId, now } = input;
  // The broadcast row is changed first: an expansion batch committing meanwhile waits for it, or is held below.
  const row = await transitionBroadcast(executor, {
    workspaceId,
    broadcastId,
    from: ['sending', 'expanding'],
    set: { status: 'paused', pause_reason: input.reason, updated_at: now },
  });
  if (!row) return false;
  const held = await holdQueued(executor, workspaceId, broadcastId, now);
  await recordAudit(executor, {
    workspaceId,
    actor: input.actor ?? null,
    action: 'broadcast.paused',
    targetType: 'broadcast',
    targetId: broadcastId,
    ip: input.ip ?? null,
    data: { held, automatic: !input.actor, ...(input.reason ? { reason: input.reason } : {}) },
    at: now,
  });
  return true;
}

// ── Bulk inserts ──────────────────────────────────────────────────────────────────────────────────────────────────
// `insert … select <constants>, v.* from (values …) v`: what is the same for every row of a window (workspace,
// broadcast, sender, state, times …) is bound once per statement, so a message binds 7 values instead of 20. The
// first row carries casts so PostgreSQL knows the types of a VALUES list of parameters (SQLite ignores them).

type Column = { name: string; type: 'bigint' | 'integer' | 'text' };
type Shape = { table: 'messages' | 'links' | 'broadcast_holdouts'; constants: Column[]; varying: Column[]; suffix: string };

const MESSAGE_SHAPE: Shape = {
  table: 'messages',
  constants: [
    { name: 'workspace_id', type: 'bigint' },
    { name: 'direction', type: 'text' },
    { name: 'channel', type: 'text' },
    { name: 'kind', type: 'text' },
    { name: 'broadcast_id', type: 'bigint' },
    { name: 'sender_id', type: 'bigint' },
    { name: 'from_address', type: 'text' },
    { name: 'subject', type: 'text' },
    { name: 'media_urls', type: 'text' },
    { name: 'priority', type: 'integer' },
    { name: 'state', type: 'text' },
    { name: 'created_at', type: 'bigint' },
    { name: 'updated_at', type: 'bigint' },
  ],
  varying: [
    { name: 'member_id', type: 'bigint' },
    { name: 'to_address', type: 'text' },
    { name: 'body', type: 'text' },
    { name: 'segments', type: 'integer' },
    { name: 'encoding', type: 'text' },
    { name: 'send_at', type: 'bigint' },
    { name: 'expires_at', type: 'bigint' },
  ],
  // Any conflict is the unique (broadcast_id, member_id): this member's message is already written.
  suffix: 'on conflict do nothing',
};

/** When some members of a window have messages already (a run resumed), which rows were written is asked back. */
const MESSAGE_SHAPE_RETURNING: Shape = { ...MESSAGE_SHAPE, suffix: 'on conflict do nothing returning member_id' };

const LINK_SHAPE: Shape = {
  table: 'links',
  constants: [
    { name: 'workspace_id', type: 'bigint' },
    { name: 'broadcast_id', type: 'bigint' },
    { name: 'created_at', type: 'bigint' },
  ],
  varying: [
    { name: 'code', type: 'text' },
    { name: 'target_id', type: 'bigint' },
    { name: 'member_id', type: 'bigint' },
  ],
  suffix: '',
};

const HOLDOUT_SHAPE: Shape = {
  table: 'broadcast_holdouts',
  constants: [
    { name: 'workspace_id', type: 'bigint' },
    { name: 'broadcast_id', type: 'bigint' },
    { name: 'created_at', type: 'bigint' },
  ],
  varying: [{ name: 'member_id', type: 'bigint' }],
  // Any conflict is the primary key (broadcast_id, member_id): a window written again holds out the same members.
  suffix: 'on conflict do nothing',
};

/** Rows per statement: few shapes, so each is prepared once; 1,024 × 7 values stays far under SQLite's 32,766. */
const PIECES = [1024, 256, 64, 16, 4, 1];
const statements = new Map<string, string>();

function statementText(postgres: boolean, shape: Shape, rows: number): string {
  const key = `${postgres ? 'pg' : 'sqlite'}|${shape.table}|${shape.suffix}|${rows}`;
  let text = statements.get(key);
  if (text !== undefined) return text;
  let n = 0;
  const slot = () => (postgres ? `$${++n}` : '?');
  const constants = shape.constants.map((c) => `cast(${slot()} as ${c.type}) as ${c.name}`);
  const tuples: string[] = [];
  for (let r = 0; r < rows; r++)
    tuples.push(`(${shape.varying.map((c) => (r === 0 ? `cast(${slot()} as ${c.type})` : slot())).join(', ')})`);
  const columns = [...shape.constants, ...shape.varying].map((c) => c.name).join(', ');
  const picks = [...constants, ...shape.varying.map((_, i) => `v.column${i + 1}`)].join(', ');
  // `where true`: SQLite needs it to read `on conflict` after INSERT … SELECT.
  text =
    `insert into ${shape.table} (${columns}) select ${picks} from (values ${tuples.join(', ')}) as v where true ${shape.suffix}`.trimEnd();
  statements.set(key, text);
  return text;
}

/** Inserts rows given as one flat array of the shape's varying values; returns the rows inserted and any returned. */
async function insertShaped<R>(
  executor: Executor,
  shape: Shape,
  constants: unknown[],
  flat: unknown[],
): Promise<{ inserted: number; rows: R[] }> {
  const width = shape.varying.length;
  const total = flat.length / width;
  const postgres = dialectOf(executor) === 'postgres';
  const rows: R[] = [];
  let inserted = 0;
  let start = 0;
  while (start < total) {
    const size = PIECES.find((p) => p <= total - start) ?? 1;
    const params = constants.concat(flat.slice(start * width, (start + size) * width));
    const result = await executor.executeQuery<R>(CompiledQuery.raw(statementText(postgres, shape, size), params));
    inserted += Number(result.numAffectedRows ?? result.rows.length);
    for (const row of result.rows) rows.push(row);
    start += size;
  }
  return { inserted, rows };
}

/** What every message of an expansion window shares. */
export type MessageConstants = {
  workspaceId: number;
  channel: 'sms' | 'email';
  broadcastId: number;
  senderId: number;
  from: string;
  subject: string | null;
  mediaUrls: string | null;
  now: number;
};

/**
 * Writes queued broadcast messages, `flat` holding per message: member id, to, body, segments, encoding, send_at,
 * expires_at. A member who already has this broadcast's message is skipped. With `returning`, says which members'
 * messages were written (when some may exist already); else only how many.
 */
export async function insertBroadcastMessages(executor: Executor, c: MessageConstants, flat: unknown[], returning: boolean) {
  const constants = [
    c.workspaceId,
    'out',
    c.channel,
    'broadcast',
    c.broadcastId,
    c.senderId,
    c.from,
    c.subject,
    c.mediaUrls,
    PRIORITY.bulk,
    'queued',
    c.now,
    c.now,
  ];
  return insertShaped<{ member_id: number }>(executor, returning ? MESSAGE_SHAPE_RETURNING : MESSAGE_SHAPE, constants, flat);
}

/** Writes short links, `flat` holding per link: code, target id, member id. */
export async function insertBroadcastLinks(
  executor: Executor,
  input: { workspaceId: number; broadcastId: number; now: number },
  flat: unknown[],
) {
  await insertShaped(executor, LINK_SHAPE, [input.workspaceId, input.broadcastId, input.now], flat);
}

/** Records members held out of a broadcast (once each); returns how many were new. */
export async function insertBroadcastHoldouts(
  executor: Executor,
  input: { workspaceId: number; broadcastId: number; now: number },
  memberIds: number[],
): Promise<number> {
  const result = await insertShaped(executor, HOLDOUT_SHAPE, [input.workspaceId, input.broadcastId, input.now], memberIds);
  return result.inserted;
}

// ── History: frequency cap and first message ──────────────────────────────────────────────────────────────────────

/** Whether any message at all was ever written for a member in (after, upTo]: if not, no history query is needed. */
export async function anyHistory(db: Executor, after: number, upTo: number): Promise<boolean> {
  const row = await db
    .selectFrom('messages')
    .select('id')
    .where('member_id', '>', after)
    .where('member_id', '<=', upTo)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** Member ids per history query: `in (…)` lists stay far under SQLite's bound-parameter limit. */
const HISTORY_CHUNK = 5_000;

/** Outbound broadcast/automation messages per member since `since` (cancelled ones and this broadcast's aside). */
export async function recentCounts(
  db: Executor,
  input: { workspaceId: number; broadcastId: number; since: number },
  memberIds: number[],
): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  for (let i = 0; i < memberIds.length; i += HISTORY_CHUNK) {
    const rows = await db
      .selectFrom('messages')
      .select(['member_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('member_id', 'in', memberIds.slice(i, i + HISTORY_CHUNK))
      .where('created_at', '>=', input.since)
      .where('workspace_id', '=', input.workspaceId)
      .where('direction', '=', 'out')
      // P2P initials count too; a person's answer in a conversation does not (the member wrote first).
      .where('kind', 'in', ['broadcast', 'automation', 'p2p'])
      .where('state', '<>', 'cancelled')
      .where((eb) => eb.or([eb('broadcast_id', 'is', null), eb('broadcast_id', '<>', input.broadcastId)]))
      .groupBy('member_id')
      .execute();
    for (const row of rows) if (row.member_id !== null) out.set(Number(row.member_id), Number(row.n));
  }
  return out;
}

/** Members who already received an outbound message from the workspace (tests, failures and this broadcast aside). */
export async function alreadyContacted(
  db: Executor,
  input: { workspaceId: number; broadcastId: number },
  memberIds: number[],
): Promise<Set<number>> {
  const out = new Set<number>();
  for (let i = 0; i < memberIds.length; i += HISTORY_CHUNK) {
    const rows = await db
      .selectFrom('members as m')
      .select('m.id')
      .where('m.workspace_id', '=', input.workspaceId)
      .where('m.id', 'in', memberIds.slice(i, i + HISTORY_CHUNK))
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('messages as x')
            .select(sql`1`.as('one'))
            .whereRef('x.member_id', '=', 'm.id')
            .where('x.workspace_id', '=', input.workspaceId)
            .where('x.direction', '=', 'out')
            .where('x.kind', '<>', 'test')
            .where('x.state', 'not in', ['cancelled', 'failed'])
            .where((eb) => eb.or([eb('x.broadcast_id', 'is', null), eb('x.broadcast_id', '<>', input.broadcastId)])),
        ),
      )
      .execute();
    for (const row of rows) out.add(Number(row.id));
  }
  return out;
}
