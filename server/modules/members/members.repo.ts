import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql, type Transaction } from 'kysely';
import type { Dialect } from '../../db/database.ts';
import { dialectOf, jsonTextField } from '../../db/dialect.ts';
import type { ConsentState, Database, MembershipRole, MembershipStatus } from '../../db/schema.ts';
import { normalizePhone } from '../../lib/phone.ts';
import { type CustomFieldValue, languageOf, type NormalizedMember } from './member-fields.ts';

// SQL for members, their tags, notes, consent ledger and timeline. Functions take `db | trx` first and filter every
// query on workspace_id. "Live" members are neither merged into another nor erased; the CSV import reuses the
// lookups (findLiveMembersByPhones / ByEmails) and the row mapping (memberRow).

export type Executor = Kysely<Database> | Transaction<Database>;

const BATCH = 500;
export const LIST_COUNT_CAP = 10_000;

function* batches<T>(items: readonly T[], size = BATCH): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** Live members only: not merged into another member, not erased. */
const live = (eb: ExpressionBuilder<Database, 'members'>) =>
  eb.and([eb('members.merged_into', 'is', null), eb('members.erased_at', 'is', null)]);

/** Custom fields as stored: JSON text without null values. */
export function customFieldsJson(fields: Record<string, CustomFieldValue>): string {
  const kept: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== null) kept[key] = value;
  return JSON.stringify(kept);
}

export function parseCustomFields(text: string): Record<string, string | number | boolean> {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, string | number | boolean>) : {};
  } catch {
    return {};
  }
}

/** The member columns set from normalized fields (name keys included, so they never drift from the names). */
export function memberRow(fields: NormalizedMember) {
  return {
    phone: fields.phone,
    phone_type: fields.phoneType,
    phone_raw: fields.phoneRaw,
    email: fields.email,
    first_name: fields.firstName,
    last_name: fields.lastName,
    name_key: fields.nameKey,
    last_name_key: fields.lastNameKey,
    postal_code: fields.postalCode,
    language: fields.language,
    timezone: fields.timezone,
    timezone_source: fields.timezoneSource,
    custom_fields: customFieldsJson(fields.customFields),
    source: fields.source,
  };
}

export async function insertMember(
  db: Executor,
  input: { workspaceId: number; fields: NormalizedMember; referredBy?: number | null; at: number },
): Promise<number> {
  const row = await db
    .insertInto('members')
    .values({
      workspace_id: input.workspaceId,
      ...memberRow(input.fields),
      referred_by: input.referredBy ?? null,
      created_at: input.at,
      updated_at: input.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function updateMemberFields(db: Executor, workspaceId: number, memberId: number, fields: NormalizedMember, at: number) {
  await db
    .updateTable('members')
    .set({ ...memberRow(fields), updated_at: at })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', memberId)
    .execute();
}

/** Whether an error is a unique-constraint violation (a concurrent insert of the same phone), on either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null || !('code' in error)) return false;
  const code = (error as { code: unknown }).code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

// ── Lookups the import reuses ───────────────────────────────────────────────

export type LiveMemberRef = {
  id: number;
  phone: string | null;
  email: string | null;
  first_name: string | null;
  last_name: string | null;
  sms_consent: ConsentState;
  email_consent: ConsentState;
};

const refColumns = ['id', 'phone', 'email', 'first_name', 'last_name', 'sms_consent', 'email_consent'] as const;

/** Live members holding any of these E.164 numbers (at most one per number). */
export async function findLiveMembersByPhones(db: Executor, workspaceId: number, phones: readonly string[]): Promise<LiveMemberRef[]> {
  const out: LiveMemberRef[] = [];
  for (const batch of batches([...new Set(phones)])) {
    out.push(
      ...(await db
        .selectFrom('members')
        .select(refColumns)
        .where('workspace_id', '=', workspaceId)
        .where('phone', 'in', batch)
        .where(live)
        .execute()),
    );
  }
  return out;
}

/** Live members with any of these (lower-cased) emails; an email may belong to several members. Oldest first. */
export async function findLiveMembersByEmails(db: Executor, workspaceId: number, emails: readonly string[]): Promise<LiveMemberRef[]> {
  const out: LiveMemberRef[] = [];
  for (const batch of batches([...new Set(emails.map((e) => e.toLowerCase()))])) {
    out.push(
      ...(await db
        .selectFrom('members')
        .select(refColumns)
        .where('workspace_id', '=', workspaceId)
        .where('email', 'in', batch)
        .where(live)
        .orderBy('id')
        .execute()),
    );
  }
  return out;
}

export async function findMember(db: Executor, workspaceId: number, memberId: number) {
  return db.selectFrom('members').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', memberId).executeTakeFirst();
}

export type MemberRow = NonNullable<Awaited<ReturnType<typeof findMember>>>;

/** Ids of the members merged into this one (merged_into always names the final survivor). */
export async function mergedIdsOf(db: Executor, workspaceId: number, memberId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('members')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('merged_into', '=', memberId)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

export async function workspaceOf(db: Executor, workspaceId: number) {
  return db
    .selectFrom('workspaces')
    .select(['id', 'name', 'timezone', 'default_country'])
    .where('id', '=', workspaceId)
    .executeTakeFirstOrThrow();
}

export const displayName = (m: { id: number; first_name: string | null; last_name: string | null }) =>
  [m.first_name, m.last_name].filter(Boolean).join(' ') || `Member #${m.id}`;

// ── Tags ────────────────────────────────────────────────────────────────────

export async function tagsOf(db: Executor, workspaceId: number, memberIds: readonly number[]): Promise<Map<number, string[]>> {
  const map = new Map<number, string[]>();
  for (const batch of batches(memberIds)) {
    const rows = await db
      .selectFrom('member_tags')
      .select(['member_id', 'tag'])
      .where('workspace_id', '=', workspaceId)
      .where('member_id', 'in', batch)
      .orderBy('tag')
      .execute();
    for (const row of rows) {
      const list = map.get(row.member_id) ?? [];
      list.push(row.tag);
      map.set(row.member_id, list);
    }
  }
  return map;
}

/** Adds tags a member does not have yet; returns those added. */
export async function addTags(db: Executor, workspaceId: number, memberId: number, tags: readonly string[], at: number): Promise<string[]> {
  const unique = [...new Set(tags)];
  if (unique.length === 0) return [];
  const rows = await db
    .insertInto('member_tags')
    .values(unique.map((tag) => ({ workspace_id: workspaceId, member_id: memberId, tag, created_at: at })))
    .onConflict((oc) => oc.columns(['member_id', 'tag']).doNothing())
    .returning('tag')
    .execute();
  return rows.map((r) => r.tag);
}

export async function removeTags(db: Executor, workspaceId: number, memberId: number, tags: readonly string[]): Promise<void> {
  if (tags.length === 0) return;
  await db
    .deleteFrom('member_tags')
    .where('workspace_id', '=', workspaceId)
    .where('member_id', '=', memberId)
    .where('tag', 'in', [...tags])
    .execute();
}

// ── Listing and search ──────────────────────────────────────────────────────

export type MemberFilter = {
  workspaceId: number;
  /** Exact E.164 phone (the caller normalized the search). */
  phone?: string;
  /** Lower-cased email prefix. */
  emailPrefix?: string;
  /** Lower-cased name prefix, matched on "first last" and on the last name. */
  namePrefix?: string;
  tag?: string;
  communityId?: number;
  smsConsent?: ConsentState;
  phoneType?: string;
  language?: string;
  field?: { key: string; value: string };
  /** Only members of this segment snapshot (server/modules/segments/snapshots.ts). */
  snapshotId?: number;
};

const SEARCH_SPACES = /\s+/g;
const PHONE_LIKE = /^\+?[\d\s().\-/]+$/;

/** The members list's query string (also the export's): what a person filters the list by. */
export type MemberListQuery = {
  q?: string | undefined;
  tag?: string | undefined;
  communityId?: number | undefined;
  consent?: string | undefined;
  phoneType?: MemberFilter['phoneType'] | undefined;
  language?: string | undefined;
  field?: string | undefined;
  value?: string | undefined;
};

/**
 * Turns the list's query into the repository's filter; null when nothing can match (a phone-looking search that is
 * not a valid number). The workspace's country is only looked up for a phone-looking search.
 */
export async function memberFilterOf(
  workspaceId: number,
  query: MemberListQuery,
  defaultCountry: () => Promise<string>,
): Promise<MemberFilter | null> {
  const filter: MemberFilter = { workspaceId };
  const q = query.q?.trim().replace(SEARCH_SPACES, ' ').toLowerCase();
  if (q) {
    if (q.includes('@')) filter.emailPrefix = q;
    else if (PHONE_LIKE.test(q)) {
      const parsed = normalizePhone(q, await defaultCountry());
      if (!parsed.ok) return null;
      filter.phone = parsed.e164;
    } else filter.namePrefix = q;
  }
  if (query.tag) filter.tag = query.tag.toLowerCase();
  if (query.communityId !== undefined) filter.communityId = query.communityId;
  if (query.consent) filter.smsConsent = query.consent.slice(4) as ConsentState;
  if (query.phoneType) filter.phoneType = query.phoneType;
  if (query.language) filter.language = languageOf(query.language) ?? query.language.toLowerCase();
  if (query.field && query.value !== undefined) filter.field = { key: query.field, value: query.value };
  return filter;
}

/** Range conditions for a prefix, so the (workspace_id, column) index serves it on both dialects. */
const prefixRange = (
  eb: ExpressionBuilder<Database, 'members'>,
  column: 'members.name_key' | 'members.last_name_key' | 'members.email',
  prefix: string,
) => eb.and([eb(column, '>=', prefix), eb(column, '<', `${prefix}\uffff`)]);

function filtered(db: Executor, dialect: Dialect, filter: MemberFilter) {
  let q = db.selectFrom('members').where('members.workspace_id', '=', filter.workspaceId).where(live);
  if (filter.phone !== undefined) q = q.where('members.phone', '=', filter.phone);
  if (filter.emailPrefix !== undefined) {
    const prefix = filter.emailPrefix;
    q = q.where((eb) => prefixRange(eb, 'members.email', prefix));
  }
  if (filter.namePrefix !== undefined) {
    const prefix = filter.namePrefix;
    q = q.where((eb) => eb.or([prefixRange(eb, 'members.name_key', prefix), prefixRange(eb, 'members.last_name_key', prefix)]));
  }
  if (filter.tag !== undefined) {
    const tag = filter.tag;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('member_tags as t')
          .select(sql.lit(1).as('one'))
          .where('t.workspace_id', '=', filter.workspaceId)
          .where('t.tag', '=', tag)
          .whereRef('t.member_id', '=', 'members.id'),
      ),
    );
  }
  if (filter.communityId !== undefined) {
    const communityId = filter.communityId;
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('memberships as ms')
          .select(sql.lit(1).as('one'))
          .where('ms.workspace_id', '=', filter.workspaceId)
          .where('ms.community_id', '=', communityId)
          .where('ms.status', '=', 'active')
          .whereRef('ms.member_id', '=', 'members.id'),
      ),
    );
  }
  if (filter.smsConsent !== undefined) q = q.where('members.sms_consent', '=', filter.smsConsent);
  if (filter.phoneType !== undefined) q = q.where('members.phone_type', '=', filter.phoneType as MemberRow['phone_type']);
  if (filter.language !== undefined) q = q.where('members.language', '=', filter.language);
  if (filter.field !== undefined) {
    const field = filter.field;
    q = q.where(
      (eb) =>
        eb(
          jsonTextField(dialect, 'members.custom_fields', field.key) as Expression<string | null>,
          '=',
          field.value,
        ) as Expression<SqlBool>,
    );
  }
  if (filter.snapshotId !== undefined) {
    const snapshotId = filter.snapshotId;
    q = q.where(
      sql<SqlBool>`members.id in (select ssm.member_id from segment_snapshot_members ssm where ssm.workspace_id = ${filter.workspaceId} and ssm.snapshot_id = ${snapshotId})`,
    );
  }
  return q;
}

/** One page of matching live members, newest first (keyset on id), with the match count capped at 10,000. */
export async function listMembers(db: Executor, filter: MemberFilter, page: { cursor?: number; limit: number }) {
  const dialect = dialectOf(db);
  let q = filtered(db, dialect, filter)
    .selectAll('members')
    .orderBy('members.id', 'desc')
    .limit(page.limit + 1);
  if (page.cursor !== undefined) q = q.where('members.id', '<', page.cursor);
  const rows = await q.execute();
  const pageRows = rows.slice(0, page.limit);
  const counted = await db
    .selectFrom(
      filtered(db, dialect, filter)
        .select('members.id')
        .limit(LIST_COUNT_CAP + 1)
        .as('matches'),
    )
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  const n = Number(counted.n);
  return {
    rows: pageRows,
    nextCursor: rows.length > page.limit ? String(pageRows.at(-1)?.id) : null,
    total: Math.min(n, LIST_COUNT_CAP),
    totalCapped: n > LIST_COUNT_CAP,
  };
}

// ── Notes ───────────────────────────────────────────────────────────────────

/** A member's notes, newest first (or only the note `noteId`). */
export async function listNotes(db: Executor, workspaceId: number, memberId: number, noteId?: number) {
  let q = db
    .selectFrom('member_notes as n')
    .leftJoin('users as u', 'u.id', 'n.author_user_id')
    .select(['n.id', 'n.body', 'n.author_user_id', 'u.name as author_name', 'n.created_at'])
    .where('n.workspace_id', '=', workspaceId)
    .where('n.member_id', '=', memberId)
    .orderBy('n.id', 'desc');
  if (noteId !== undefined) q = q.where('n.id', '=', noteId);
  return q.execute();
}

export async function countNotes(db: Executor, workspaceId: number, memberId: number): Promise<number> {
  const row = await db
    .selectFrom('member_notes')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('workspace_id', '=', workspaceId)
    .where('member_id', '=', memberId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function insertNote(
  db: Executor,
  input: { workspaceId: number; memberId: number; authorUserId: number | null; body: string; at: number },
) {
  const row = await db
    .insertInto('member_notes')
    .values({
      workspace_id: input.workspaceId,
      member_id: input.memberId,
      author_user_id: input.authorUserId,
      body: input.body,
      created_at: input.at,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

// ── Consent ledger, timeline, memberships ───────────────────────────────────

const consentEventsQuery = (db: Executor, workspaceId: number) =>
  db
    .selectFrom('consent_events as e')
    .leftJoin('users as u', 'u.id', 'e.recorded_by_user_id')
    .select([
      'e.id',
      'e.member_id',
      'e.channel',
      'e.status',
      'e.method',
      'e.wording',
      'e.source_url',
      'e.ip',
      'e.user_agent',
      'e.recorded_by_user_id',
      'u.name as recorded_by_name',
      'e.import_id',
      'e.created_at',
    ])
    .where('e.workspace_id', '=', workspaceId);

/** The ledger of these members (a survivor and those merged into it), newest first. */
export async function listConsentEvents(db: Executor, workspaceId: number, memberIds: readonly number[]) {
  return consentEventsQuery(db, workspaceId)
    .where('e.member_id', 'in', [...memberIds])
    .orderBy('e.created_at', 'desc')
    .orderBy('e.id', 'desc')
    .execute();
}

/** The event last appended for a member (highest id), e.g. to answer the request that appended it. */
export async function lastAppendedConsentEvent(db: Executor, workspaceId: number, memberId: number) {
  return consentEventsQuery(db, workspaceId).where('e.member_id', '=', memberId).orderBy('e.id', 'desc').limit(1).executeTakeFirst();
}

/** The latest ledger event per channel across these members (a survivor and those merged into it). */
export async function latestConsent(db: Executor, workspaceId: number, memberIds: readonly number[]) {
  const result: { sms: ConsentState; email: ConsentState } = { sms: 'none', email: 'none' };
  for (const ch of ['sms', 'email'] as const) {
    const row = await db
      .selectFrom('consent_events')
      .select('status')
      .where('workspace_id', '=', workspaceId)
      .where('member_id', 'in', [...memberIds])
      .where('channel', '=', ch)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (row) result[ch] = row.status;
  }
  return result;
}

/** Activities of these members, newest first; `before` is the (occurred_at, id) of the last row of the page before. */
export async function listActivities(
  db: Executor,
  query: { workspaceId: number; memberIds: readonly number[]; before?: { at: number; id: number }; limit?: number },
) {
  let q = db
    .selectFrom('activities as a')
    .leftJoin('communities as c', (join) => join.onRef('c.id', '=', 'a.community_id').on('c.workspace_id', '=', query.workspaceId))
    .select(['a.id', 'a.type', 'a.community_id', 'c.name as community_name', 'a.subject_type', 'a.subject_id', 'a.data', 'a.occurred_at'])
    .where('a.workspace_id', '=', query.workspaceId)
    .where('a.member_id', 'in', [...query.memberIds])
    .orderBy('a.occurred_at', 'desc')
    .orderBy('a.id', 'desc');
  if (query.before !== undefined) {
    const { at, id } = query.before;
    q = q.where((eb) => eb.or([eb('a.occurred_at', '<', at), eb.and([eb('a.occurred_at', '=', at), eb('a.id', '<', id)])]));
  }
  if (query.limit !== undefined) q = q.limit(query.limit + 1);
  return q.execute();
}

export async function listMembershipsOf(db: Executor, workspaceId: number, memberId: number) {
  return db
    .selectFrom('memberships as ms')
    .innerJoin('communities as c', (join) => join.onRef('c.id', '=', 'ms.community_id').on('c.workspace_id', '=', workspaceId))
    .select(['ms.id', 'ms.community_id', 'c.name', 'ms.role', 'ms.status', 'ms.source', 'ms.joined_at', 'ms.left_at'])
    .where('ms.workspace_id', '=', workspaceId)
    .where('ms.member_id', '=', memberId)
    .orderBy('ms.joined_at')
    .execute();
}

/** Sets communities.member_count to the number of active memberships, for communities a merge touched. */
export async function recountCommunities(db: Executor, workspaceId: number, communityIds: readonly number[], at: number) {
  for (const batch of batches([...new Set(communityIds)])) {
    await db
      .updateTable('communities')
      .set((eb) => ({
        member_count: eb
          .selectFrom('memberships as ms')
          .select((inner) => inner.fn.countAll<number>().as('n'))
          .where('ms.workspace_id', '=', workspaceId)
          .whereRef('ms.community_id', '=', 'communities.id')
          .where('ms.status', '=', 'active'),
        updated_at: at,
      }))
      .where('workspace_id', '=', workspaceId)
      .where('id', 'in', batch)
      .execute();
  }
}

const ROLE_RANK: Record<MembershipRole, number> = { member: 0, mentor: 1, leader: 2 };
const STATUS_RANK: Record<MembershipStatus, number> = { left: 0, pending: 1, active: 2 };

/**
 * Moves the duplicate's memberships to the survivor. Where both belong to a community, one membership stays with the
 * earliest joined_at, the strongest role and the most active status. Returns the communities touched.
 */
export async function moveMemberships(db: Executor, workspaceId: number, survivorId: number, duplicateId: number, at: number) {
  const rows = await db
    .selectFrom('memberships')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('member_id', 'in', [survivorId, duplicateId])
    .execute();
  const survivorBy = new Map(rows.filter((r) => r.member_id === survivorId).map((r) => [r.community_id, r]));
  const touched: number[] = [];
  for (const dup of rows.filter((r) => r.member_id === duplicateId)) {
    touched.push(dup.community_id);
    const own = survivorBy.get(dup.community_id);
    if (!own) {
      await db
        .updateTable('memberships')
        .set({ member_id: survivorId, updated_at: at })
        .where('workspace_id', '=', workspaceId)
        .where('id', '=', dup.id)
        .execute();
      continue;
    }
    const status = STATUS_RANK[dup.status] > STATUS_RANK[own.status] ? dup.status : own.status;
    await db
      .updateTable('memberships')
      .set({
        role: ROLE_RANK[dup.role] > ROLE_RANK[own.role] ? dup.role : own.role,
        status,
        joined_at: Math.min(dup.joined_at, own.joined_at),
        left_at: status === 'left' ? Math.max(dup.left_at ?? 0, own.left_at ?? 0) || at : null,
        source: own.source ?? dup.source,
        updated_at: at,
      })
      .where('workspace_id', '=', workspaceId)
      .where('id', '=', own.id)
      .execute();
    await db.deleteFrom('memberships').where('workspace_id', '=', workspaceId).where('id', '=', dup.id).execute();
  }
  return touched;
}

/** Ends every active or pending membership of these members; returns the communities whose count must drop. */
export async function endMemberships(db: Executor, workspaceId: number, memberIds: readonly number[], at: number) {
  const rows = await db
    .selectFrom('memberships')
    .select(['id', 'community_id', 'status'])
    .where('workspace_id', '=', workspaceId)
    .where('member_id', 'in', [...memberIds])
    .where('status', 'in', ['active', 'pending'])
    .execute();
  if (rows.length === 0) return [];
  await db
    .updateTable('memberships')
    .set({ status: 'left', left_at: at, updated_at: at })
    .where('workspace_id', '=', workspaceId)
    .where(
      'id',
      'in',
      rows.map((r) => r.id),
    )
    .execute();
  return rows.map((r) => r.community_id);
}

// ── Duplicates ──────────────────────────────────────────────────────────────

const CANDIDATE_LIMIT = 50;

/** Live members (other than this one) sharing the email, or the name and the postal code or the phone's last 4 digits. */
export async function duplicateCandidates(db: Executor, workspaceId: number, m: MemberRow) {
  const base = () =>
    db
      .selectFrom('members')
      .selectAll()
      .where('workspace_id', '=', workspaceId)
      .where('id', '!=', m.id)
      .where(live)
      .orderBy('id', 'desc')
      .limit(CANDIDATE_LIMIT);
  const found = new Map<number, { row: MemberRow; reasons: Set<'same_email' | 'same_name_postal_code' | 'same_name_phone_last4'> }>();
  const add = (row: MemberRow, reason: 'same_email' | 'same_name_postal_code' | 'same_name_phone_last4') => {
    const entry = found.get(row.id) ?? { row, reasons: new Set() };
    entry.reasons.add(reason);
    found.set(row.id, entry);
  };
  if (m.email) for (const row of await base().where('email', '=', m.email).execute()) add(row, 'same_email');
  if (m.name_key) {
    const sameName = await base().where('name_key', '=', m.name_key).execute();
    for (const row of sameName) {
      if (m.postal_code && row.postal_code === m.postal_code) add(row, 'same_name_postal_code');
      if (m.phone && row.phone && row.phone.slice(-4) === m.phone.slice(-4)) add(row, 'same_name_phone_last4');
    }
  }
  return [...found.values()].sort((a, b) => b.reasons.size - a.reasons.size || b.row.id - a.row.id);
}
