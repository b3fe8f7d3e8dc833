import { describeRule, type SegmentRule } from '../../../common/segments.ts';
import type { Db } from '../../db/database.ts';
import type { Actor } from '../../http/auth.ts';
import { AppError, type FieldError } from '../../http/errors.ts';
import type { Clock } from '../../lib/clock.ts';
import { countSegment, type ResolvedSegment, resolveSegment, selectSegment } from './segment-sql.ts';
import {
  deleteSegment,
  type Executor,
  findSegment,
  insertSegment,
  listSegmentRows,
  namesFor,
  type SegmentRow,
  storedRules,
  updateSegment,
} from './segments.repo.ts';
import type { SegmentInput, SegmentMemberView, SegmentPatch, SegmentView } from './segments.schema.ts';
import { findSnapshot, segmentNotFound, snapshotSegment } from './snapshots.ts';

type Deps = { db: Db; clock: Clock };

export type SegmentsService = ReturnType<typeof createSegmentsService>;

const SAMPLE_SIZE = 20;

const iso = (ms: number) => new Date(ms).toISOString();
const isoOrNull = (ms: number | null) => (ms === null ? null : iso(ms));

const invalid = (fields: FieldError[]) =>
  new AppError({
    code: 'segment.invalid',
    status: 400,
    message: `The rules are invalid: ${fields.map((f) => `${f.path}: ${f.message}`).join('; ')}`,
    fields,
  });

/**
 * Ids in a rule tree that are not this workspace's (communities, actions, broadcasts), each reported on its path
 * (`body.rules.rules.2.communityIds.0`). A rule about another workspace's community would silently match nobody.
 */
export async function ruleIdProblems(db: Executor, workspaceId: number, rule: SegmentRule, basePath: string): Promise<FieldError[]> {
  type Ref = { table: 'communities' | 'actions' | 'broadcasts'; id: number; path: string };
  const refs: Ref[] = [];
  const visit = (r: SegmentRule, path: string) => {
    switch (r.kind) {
      case 'group':
        for (const [i, child] of r.rules.entries()) visit(child, `${path}.rules.${i}`);
        break;
      case 'community':
        for (const [i, id] of r.communityIds.entries()) refs.push({ table: 'communities', id, path: `${path}.communityIds.${i}` });
        break;
      case 'activity':
        if (r.communityId !== undefined) refs.push({ table: 'communities', id: r.communityId, path: `${path}.communityId` });
        if (r.actionId !== undefined) refs.push({ table: 'actions', id: r.actionId, path: `${path}.actionId` });
        if (r.excludeActionId !== undefined) refs.push({ table: 'actions', id: r.excludeActionId, path: `${path}.excludeActionId` });
        break;
      case 'message':
        if (r.broadcastId !== undefined) refs.push({ table: 'broadcasts', id: r.broadcastId, path: `${path}.broadcastId` });
        break;
      default:
        break;
    }
  };
  visit(rule, basePath);
  const fields: FieldError[] = [];
  const noun = { communities: 'community', actions: 'action', broadcasts: 'broadcast' } as const;
  for (const table of ['communities', 'actions', 'broadcasts'] as const) {
    const wanted = refs.filter((r) => r.table === table);
    if (wanted.length === 0) continue;
    const found = new Set(
      (
        await db
          .selectFrom(table)
          .select('id')
          .where('workspace_id', '=', workspaceId)
          .where('id', 'in', [...new Set(wanted.map((r) => r.id))])
          .execute()
      ).map((r) => Number(r.id)),
    );
    for (const ref of wanted) {
      if (!found.has(ref.id)) fields.push({ path: ref.path, message: `is not a ${noun[table]} of this workspace (${ref.id})` });
    }
  }
  return fields;
}

/** Members of a segment as the API lists them (newest first), with how many communities each is in. */
async function memberViews(db: Executor, seg: ResolvedSegment, page: { limit: number; before?: number }): Promise<SegmentMemberView[]> {
  let q = selectSegment(db, seg)
    .select(['m.id', 'm.first_name', 'm.last_name', 'm.phone', 'm.engagement_score', 'm.last_active_at'])
    .orderBy('m.id', 'desc')
    .limit(page.limit);
  if (page.before !== undefined) q = q.where('m.id', '<', page.before);
  const rows = await q.execute();
  const counts = new Map<number, number>();
  if (rows.length > 0) {
    const grouped = await db
      .selectFrom('memberships')
      .select(['member_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('workspace_id', '=', seg.workspaceId)
      .where(
        'member_id',
        'in',
        rows.map((r) => r.id),
      )
      .where('status', '=', 'active')
      .groupBy('member_id')
      .execute();
    for (const g of grouped) counts.set(Number(g.member_id), Number(g.n));
  }
  return rows.map((r) => ({
    id: Number(r.id),
    name: [r.first_name, r.last_name].filter(Boolean).join(' '),
    phoneLast4: r.phone ? r.phone.slice(-4) : null,
    communityCount: counts.get(Number(r.id)) ?? 0,
    engagementScore: Number(r.engagement_score),
    lastActiveAt: isoOrNull(r.last_active_at),
  }));
}

export function createSegmentsService({ db, clock }: Deps) {
  async function views(workspaceId: number, rows: SegmentRow[]): Promise<SegmentView[]> {
    const rules = rows.map((r) => storedRules(r.rules));
    const names = await namesFor(db, workspaceId, rules);
    return rows.map((row, i) => {
      const rule = rules[i] as SegmentRule;
      return {
        id: Number(row.id),
        name: row.name,
        description: row.description,
        rules: rule,
        summary: describeRule(rule, names),
        lastCount: row.last_count,
        lastCountedAt: isoOrNull(row.last_counted_at),
        createdBy: row.created_by,
        createdAt: iso(row.created_at),
        updatedAt: iso(row.updated_at),
      };
    });
  }

  async function view(workspaceId: number, row: SegmentRow): Promise<SegmentView> {
    const [one] = await views(workspaceId, [row]);
    if (!one) throw segmentNotFound();
    return one;
  }

  async function requireRow(workspaceId: number, segmentId: number) {
    const row = await findSegment(db, workspaceId, segmentId);
    if (!row) throw segmentNotFound();
    return row;
  }

  async function checkRules(workspaceId: number, rules: SegmentRule) {
    const fields = await ruleIdProblems(db, workspaceId, rules, 'body.rules');
    if (fields.length > 0) throw invalid(fields);
  }

  async function list(workspaceId: number) {
    return views(workspaceId, await listSegmentRows(db, workspaceId));
  }

  async function create(actor: Actor, workspaceId: number, input: SegmentInput) {
    await checkRules(workspaceId, input.rules);
    const now = clock.now();
    const row = await insertSegment(db, {
      workspace_id: workspaceId,
      name: input.name,
      description: input.description ?? '',
      rules: JSON.stringify(input.rules),
      created_by: actor.type === 'user' ? actor.userId : null,
      last_count: null,
      last_counted_at: null,
      created_at: now,
      updated_at: now,
    });
    return view(workspaceId, row);
  }

  /** The segment, counted now (the count is kept as its last count). */
  async function get(workspaceId: number, segmentId: number) {
    const row = await requireRow(workspaceId, segmentId);
    const now = clock.now();
    const count = await countSegment(db, await resolveSegment(db, workspaceId, storedRules(row.rules), now));
    const counted = (await updateSegment(db, workspaceId, segmentId, { last_count: count, last_counted_at: now })) ?? row;
    return view(workspaceId, counted);
  }

  async function update(workspaceId: number, segmentId: number, patch: SegmentPatch) {
    await requireRow(workspaceId, segmentId);
    if (patch.rules) await checkRules(workspaceId, patch.rules);
    const row = await updateSegment(db, workspaceId, segmentId, {
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      // New rules make the last count meaningless.
      ...(patch.rules !== undefined ? { rules: JSON.stringify(patch.rules), last_count: null, last_counted_at: null } : {}),
      updated_at: clock.now(),
    });
    if (!row) throw segmentNotFound();
    return view(workspaceId, row);
  }

  /** Deletes the segment; snapshots already taken (and the broadcasts that read them) keep their members. */
  async function remove(workspaceId: number, segmentId: number) {
    if (!(await deleteSegment(db, workspaceId, segmentId))) throw segmentNotFound();
  }

  /** Count and sample for rules being edited (nothing is saved). */
  async function preview(workspaceId: number, rules: SegmentRule) {
    await checkRules(workspaceId, rules);
    const seg = await resolveSegment(db, workspaceId, rules, clock.now());
    const [count, sample, names] = await Promise.all([
      countSegment(db, seg),
      memberViews(db, seg, { limit: SAMPLE_SIZE }),
      namesFor(db, workspaceId, [rules]),
    ]);
    return { count, sample, summary: describeRule(rules, names) };
  }

  /** The segment's members now, newest first; page on with cursor = nextCursor. */
  async function members(workspaceId: number, segmentId: number, query: { cursor?: number | undefined; limit: number }) {
    const row = await requireRow(workspaceId, segmentId);
    const seg = await resolveSegment(db, workspaceId, storedRules(row.rules), clock.now());
    const page = await memberViews(db, seg, { limit: query.limit + 1, ...(query.cursor !== undefined ? { before: query.cursor } : {}) });
    const more = page.length > query.limit;
    const shown = more ? page.slice(0, query.limit) : page;
    return { members: shown, nextCursor: more ? String(shown.at(-1)?.id) : null };
  }

  /** Freezes the segment's members now (for use outside Groundswell's own broadcasts and exports). */
  async function snapshot(workspaceId: number, segmentId: number) {
    await requireRow(workspaceId, segmentId);
    const now = clock.now();
    const id = await db.transaction().execute((trx) => snapshotSegment(trx, workspaceId, segmentId, now, { purpose: 'api' }));
    const row = await findSnapshot(db, workspaceId, id);
    if (!row) throw segmentNotFound();
    return { id: Number(row.id), segmentId: row.segment_id, memberCount: row.member_count, createdAt: iso(row.created_at) };
  }

  return { list, create, get, update, remove, preview, members, snapshot };
}
