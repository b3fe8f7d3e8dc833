import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import type { Db } from '../../db/database.ts';
import type { Actor } from '../../http/auth.ts';
import type { Clock } from '../../lib/clock.ts';
import { recordAudit } from '../audit/audit.repo.ts';
import { listMembers, type MemberFilter, memberFilterOf, parseCustomFields, tagsOf, workspaceOf } from '../members/members.repo.ts';
import { findSegment } from '../segments/segments.repo.ts';
import { segmentNotFound, snapshotSegment } from '../segments/snapshots.ts';
import type { ExportQuery } from './imports.schema.ts';

// Members to CSV, streamed: pages of members (the members list's own query and filters) become CSV lines as the
// client reads them, so an export of a million members never sits in memory. The columns match what the import
// suggests for them, so an export can be imported into another workspace as it is.

const PAGE = 1_000;
const MAX_CUSTOM_COLUMNS = 200;
const NUMBER_LIKE = /^[+-]?[\d\s().-]+$/;

export const EXPORT_COLUMNS = [
  'id',
  'first_name',
  'last_name',
  'phone',
  'email',
  'postal_code',
  'language',
  'timezone',
  'sms_consent',
  'email_consent',
  'tags',
  'communities',
  'source',
  'created_at',
] as const;

/**
 * A cell a spreadsheet would run as a formula (=, @, +, - at the start) gets a leading apostrophe; phone numbers and
 * plain numbers ("+15125550100", "-3") are left alone.
 */
export function safeCell(value: string): string {
  if (value === '') return value;
  const first = value.charAt(0);
  if (first === '=' || first === '@' || first === '\t' || first === '\r') return `'${value}`;
  if ((first === '+' || first === '-') && !NUMBER_LIKE.test(value)) return `'${value}`;
  return value;
}

/** The members list's filters (same query string) as the repository's filter; null when nothing can match. */
export const exportFilterOf = (db: Db, workspaceId: number, query: ExportQuery) =>
  memberFilterOf(workspaceId, query, async () => (await workspaceOf(db, workspaceId)).default_country);

/** Custom field keys used in the workspace (by any live member), sorted: the export's extra columns. */
async function customKeys(db: Db, workspaceId: number): Promise<string[]> {
  const keys = new Set<string>();
  let after = 0;
  for (;;) {
    const rows = await db
      .selectFrom('members')
      .select(['id', 'custom_fields'])
      .where('workspace_id', '=', workspaceId)
      .where('id', '>', after)
      .where('custom_fields', '!=', '{}')
      .where('merged_into', 'is', null)
      .where('erased_at', 'is', null)
      .orderBy('id')
      .limit(5_000)
      .execute();
    for (const row of rows) for (const key of Object.keys(parseCustomFields(row.custom_fields))) keys.add(key);
    const last = rows.at(-1);
    if (!last || rows.length < 5_000 || keys.size >= MAX_CUSTOM_COLUMNS) break;
    after = last.id;
  }
  return [...keys].sort().slice(0, MAX_CUSTOM_COLUMNS);
}

async function communitiesOf(db: Db, workspaceId: number, memberIds: number[]): Promise<Map<number, string[]>> {
  const map = new Map<number, string[]>();
  if (memberIds.length === 0) return map;
  const rows = await db
    .selectFrom('memberships as ms')
    .innerJoin('communities as c', (join) => join.onRef('c.id', '=', 'ms.community_id').on('c.workspace_id', '=', workspaceId))
    .select(['ms.member_id', 'c.name'])
    .where('ms.workspace_id', '=', workspaceId)
    .where('ms.member_id', 'in', memberIds)
    .where('ms.status', '=', 'active')
    .orderBy('c.name')
    .execute();
  for (const row of rows) {
    const list = map.get(row.member_id) ?? [];
    list.push(row.name);
    map.set(row.member_id, list);
  }
  return map;
}

async function* csvRecords(db: Db, filter: MemberFilter | null, keys: string[], onRecord?: () => void): AsyncGenerator<string[]> {
  yield [...EXPORT_COLUMNS, ...keys.map((k) => `custom_${k}`)];
  if (filter === null) return;
  let cursor: number | undefined;
  for (;;) {
    const page = await listMembers(db, filter, { limit: PAGE, ...(cursor !== undefined ? { cursor } : {}) });
    const ids = page.rows.map((r) => r.id);
    const [tags, communities] = await Promise.all([tagsOf(db, filter.workspaceId, ids), communitiesOf(db, filter.workspaceId, ids)]);
    for (const m of page.rows) {
      const custom = parseCustomFields(m.custom_fields);
      onRecord?.();
      yield [
        String(m.id),
        m.first_name ?? '',
        m.last_name ?? '',
        m.phone ?? m.phone_raw ?? '',
        m.email ?? '',
        m.postal_code ?? '',
        m.language,
        m.timezone,
        m.sms_consent,
        m.email_consent,
        (tags.get(m.id) ?? []).join('; '),
        (communities.get(m.id) ?? []).join('; '),
        m.source ?? '',
        new Date(m.created_at).toISOString(),
        ...keys.map((k) => (custom[k] === undefined ? '' : String(custom[k]))),
      ].map(safeCell);
    }
    if (page.nextCursor === null) return;
    cursor = Number(page.nextCursor);
  }
}

export type ExportDeps = { db: Db; clock: Clock };

/**
 * Starts an export: records it in the audit log (who, which filters), then returns the CSV as a stream that reads
 * the members page by page as the client consumes it.
 */
export async function exportMembers(
  deps: ExportDeps,
  input: { workspaceId: number; actor: Actor | null; query: ExportQuery; ip?: string | null; onRecord?: () => void },
): Promise<Readable> {
  const { db, clock } = deps;
  const { segmentId, ...listQuery } = input.query;
  const filter = await exportFilterOf(db, input.workspaceId, listQuery);
  const filters: Record<string, unknown> = Object.fromEntries(Object.entries(input.query).filter(([, v]) => v !== undefined));
  if (segmentId !== undefined) {
    // A segment is frozen first: the pages read one fixed set of members, however long the download takes.
    if (!(await findSegment(db, input.workspaceId, segmentId))) throw segmentNotFound();
    const snapshotId = await db
      .transaction()
      .execute((trx) => snapshotSegment(trx, input.workspaceId, segmentId, clock.now(), { purpose: 'export' }));
    if (filter) filter.snapshotId = snapshotId;
    filters.snapshotId = snapshotId;
  }
  const keys = await customKeys(db, input.workspaceId);
  // The audit log never holds a phone number: a phone search is kept as its last digits.
  if (filter?.phone !== undefined) filters.q = `…${filter.phone.slice(-4)}`;
  await recordAudit(db, {
    workspaceId: input.workspaceId,
    actor: input.actor,
    action: 'members.exported',
    targetType: 'members',
    ip: input.ip ?? null,
    data: { filters, format: 'csv' },
    at: clock.now(),
  });
  const source = Readable.from(csvRecords(db, filter, keys, input.onRecord));
  const csv = stringify();
  source.on('error', (error) => csv.destroy(error));
  csv.on('close', () => source.destroy());
  return source.pipe(csv);
}
