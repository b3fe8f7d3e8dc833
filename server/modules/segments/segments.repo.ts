import type { Insertable, Kysely, Selectable, Transaction, Updateable } from 'kysely';
import { type SegmentRule, segmentRule } from '../../../common/segments.ts';
import type { Database, SegmentsTable } from '../../db/schema.ts';

export type Executor = Kysely<Database> | Transaction<Database>;
export type SegmentRow = Selectable<SegmentsTable>;

/** segments.rules as stored; a tree that no longer parses (never expected) matches nobody rather than everyone. */
export function storedRules(text: string): SegmentRule {
  try {
    const parsed = segmentRule.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through
  }
  return { kind: 'group', op: 'or', rules: [] };
}

export async function findSegment(db: Executor, workspaceId: number, segmentId: number): Promise<SegmentRow | undefined> {
  return db.selectFrom('segments').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', segmentId).executeTakeFirst();
}

export async function listSegmentRows(db: Executor, workspaceId: number): Promise<SegmentRow[]> {
  return db.selectFrom('segments').selectAll().where('workspace_id', '=', workspaceId).orderBy('id', 'desc').execute();
}

export async function insertSegment(db: Executor, row: Insertable<SegmentsTable>): Promise<SegmentRow> {
  return db.insertInto('segments').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateSegment(
  db: Executor,
  workspaceId: number,
  segmentId: number,
  set: Updateable<SegmentsTable>,
): Promise<SegmentRow | undefined> {
  return db
    .updateTable('segments')
    .set(set)
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', segmentId)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteSegment(db: Executor, workspaceId: number, segmentId: number): Promise<boolean> {
  const result = await db.deleteFrom('segments').where('workspace_id', '=', workspaceId).where('id', '=', segmentId).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Names of the communities, actions and broadcasts a rule tree mentions (for its sentence), in the workspace. */
export async function namesFor(db: Executor, workspaceId: number, rules: readonly SegmentRule[]) {
  const communities = new Set<number>();
  const actions = new Set<number>();
  const broadcasts = new Set<number>();
  const visit = (rule: SegmentRule) => {
    switch (rule.kind) {
      case 'group':
        for (const r of rule.rules) visit(r);
        break;
      case 'community':
        for (const id of rule.communityIds) communities.add(id);
        break;
      case 'activity':
        if (rule.communityId !== undefined) communities.add(rule.communityId);
        if (rule.actionId !== undefined) actions.add(rule.actionId);
        if (rule.excludeActionId !== undefined) actions.add(rule.excludeActionId);
        break;
      case 'message':
        if (rule.broadcastId !== undefined) broadcasts.add(rule.broadcastId);
        break;
      default:
        break;
    }
  };
  for (const rule of rules) visit(rule);
  const [c, a, b] = await Promise.all([
    communities.size === 0
      ? []
      : db
          .selectFrom('communities')
          .select(['id', 'name'])
          .where('workspace_id', '=', workspaceId)
          .where('id', 'in', [...communities])
          .execute(),
    actions.size === 0
      ? []
      : db
          .selectFrom('actions')
          .select(['id', 'title as name'])
          .where('workspace_id', '=', workspaceId)
          .where('id', 'in', [...actions])
          .execute(),
    broadcasts.size === 0
      ? []
      : db
          .selectFrom('broadcasts')
          .select(['id', 'name'])
          .where('workspace_id', '=', workspaceId)
          .where('id', 'in', [...broadcasts])
          .execute(),
  ]);
  const toMap = (rows: { id: number; name: string }[]) => Object.fromEntries(rows.map((r) => [Number(r.id), r.name]));
  return { communities: toMap(c), actions: toMap(a), broadcasts: toMap(b) };
}
