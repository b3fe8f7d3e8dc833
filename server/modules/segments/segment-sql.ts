import {
  type Expression,
  type ExpressionBuilder,
  type Kysely,
  type RawBuilder,
  type SelectQueryBuilder,
  type SqlBool,
  sql,
  type Transaction,
} from 'kysely';
import {
  type ActivityRule,
  type CommunityRule,
  type CustomFieldRule,
  type FieldRule,
  type MessageRule,
  SEGMENT_FIELD_META,
  type SegmentRule,
  type SegmentWhen,
  type TextOp,
} from '../../../common/segments.ts';
import type { Dialect } from '../../db/database.ts';
import { dialectOf, jsonTextField, unindexed } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';

// A segment's rule tree (common/segments.ts) compiled to one Kysely WHERE expression over `members as m`, the same
// on SQLite and PostgreSQL: every condition is a column predicate on the member row, a subquery of the members who
// meet it (`m.id in (select member_id …)`, or `not in`), or a correlated NOT EXISTS / counted subquery; each subquery
// filters on the workspace. Groups are AND / OR with NOT. Nothing is read into memory: counts, samples, pages and
// snapshots are all the same expression under a different SELECT (decision 0009).
//
// Before compiling, resolveSegment looks up what the expression needs from the database once: the live descendants
// of communities with includeDescendants (communities.parent_id), so the SQL holds plain id lists, and whether the
// workspace has merged members.

type Executor = Kysely<Database> | Transaction<Database>;
type MemberDb = Database & { m: Database['members'] };
export type MemberEb = ExpressionBuilder<MemberDb, 'm'>;

const DAY = 86_400_000;

/** Activities whose subject is an action: most kinds say 'action', events (also actions) say 'event'. */
export const ACTION_SUBJECTS = ['action', 'event'] as const;

/** A rule tree with what it needs from the database, ready to compile. */
export type ResolvedSegment = {
  rule: SegmentRule;
  workspaceId: number;
  dialect: Dialect;
  /** "Within the last n days" is counted back from here. */
  now: number;
  /** Community id → itself and its live descendants, for rules with includeDescendants. */
  trees: ReadonlyMap<number, readonly number[]>;
  /**
   * Whether the workspace has merged members. Their activities and messages stay under their own id (the log is
   * never rewritten), so a survivor must also be credited with what the members merged into it did.
   */
  merged: boolean;
};

function* walk(rule: SegmentRule): Generator<SegmentRule> {
  yield rule;
  if (rule.kind === 'group') for (const child of rule.rules) yield* walk(child);
}

/** Looks up the community trees the rule needs (one recursive query for all of them) and whether there are merges. */
export async function resolveSegment(db: Executor, workspaceId: number, rule: SegmentRule, now: number): Promise<ResolvedSegment> {
  const roots = new Set<number>();
  for (const r of walk(rule)) if (r.kind === 'community' && r.includeDescendants) for (const id of r.communityIds) roots.add(id);
  const trees = new Map<number, number[]>();
  if (roots.size > 0) {
    const rows = await db
      .withRecursive('tree(root, id)', (qb) =>
        qb
          .selectFrom('communities')
          .select(['communities.id as root', 'communities.id'])
          .where('communities.workspace_id', '=', workspaceId)
          .where('communities.id', 'in', [...roots])
          // UNION (not UNION ALL) ends the recursion even if the data ever held a cycle.
          .union(
            qb
              .selectFrom('tree')
              .innerJoin('communities as child', 'child.parent_id', 'tree.id')
              .select(['tree.root', 'child.id'])
              .where('child.workspace_id', '=', workspaceId)
              .where('child.archived_at', 'is', null),
          ),
      )
      .selectFrom('tree')
      .select(['root', 'id'])
      .execute();
    for (const row of rows) {
      const list = trees.get(Number(row.root)) ?? [];
      list.push(Number(row.id));
      trees.set(Number(row.root), list);
    }
  }
  const merged = await db
    .selectFrom('members')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where('merged_into', 'is not', null)
    .limit(1)
    .executeTakeFirst();
  return { rule, workspaceId, dialect: dialectOf(db), now, trees, merged: merged !== undefined };
}

const always = sql<SqlBool>`1 = 1`;
const never = sql<SqlBool>`1 = 0`;

/** `%`, `_` and `\` taken literally in a LIKE pattern (with ESCAPE '\'). */
const escapeLike = (value: string) => value.replace(/[\\%_]/g, (c) => `\\${c}`);

const lower = (value: unknown) => (typeof value === 'string' ? value.toLowerCase() : String(value));

/** A text comparison on a column or expression, case-insensitive; "is not" and "is not set" include members without one. */
function textPredicate(eb: MemberEb, column: Expression<string | null>, op: TextOp, value: FieldRule['value']): Expression<SqlBool> {
  const lowered = eb.fn<string>('lower', [column]);
  switch (op) {
    case 'eq':
      return eb(lowered, '=', lower(value));
    case 'neq':
      return eb.or([eb(column, 'is', null), eb(lowered, '<>', lower(value))]);
    case 'contains':
      return sql<SqlBool>`${lowered} like ${`%${escapeLike(lower(value))}%`} escape '\\'`;
    case 'starts_with':
      return sql<SqlBool>`${lowered} like ${`${escapeLike(lower(value))}%`} escape '\\'`;
    case 'in':
      return Array.isArray(value) && value.length > 0 ? eb(lowered, 'in', value.map(lower)) : never;
    case 'is_set':
      return eb.and([eb(column, 'is not', null), eb(column, '<>', '')]);
    case 'is_not_set':
      return eb.or([eb(column, 'is', null), eb(column, '=', '')]);
  }
}

/**
 * A member field's condition. With a driving set condition (pickDriver), the column only filters the members found
 * through it: an index on it would otherwise tempt SQLite to read a large range of the index instead.
 */
function fieldPredicate(eb: MemberEb, rule: FieldRule, c: Compile): Expression<SqlBool> {
  const { seg } = c;
  const meta = SEGMENT_FIELD_META[rule.field];
  const column = (c.driver ? unindexed(seg.dialect, `m.${rule.field}`) : eb.ref(`m.${rule.field}`)) as Expression<string | number | null>;
  const { op, value } = rule;
  if (meta.type === 'text') return textPredicate(eb, column as Expression<string | null>, op as TextOp, value);
  if (meta.type === 'choice') {
    if (op === 'in') return Array.isArray(value) && value.length > 0 ? eb(column, 'in', value) : never;
    return eb(column, op === 'neq' ? '<>' : '=', String(value));
  }
  if (meta.type === 'date') {
    switch (op) {
      case 'before':
        return eb(column, '<', Number(value));
      case 'after':
        return eb(column, '>', Number(value));
      case 'within_days':
        return eb(column, '>=', seg.now - Number(value) * DAY);
      case 'more_than_days_ago':
        return eb(column, '<', seg.now - Number(value) * DAY);
      case 'is_set':
        return eb(column, 'is not', null);
      case 'is_not_set':
        return eb(column, 'is', null);
      default:
        throw new Error(`segment: ${op} on a date field`);
    }
  }
  const n = Number(value);
  switch (op) {
    case 'eq':
      return eb(column, '=', n);
    case 'neq':
      return eb(column, '<>', n);
    case 'gt':
      return eb(column, '>', n);
    case 'gte':
      return eb(column, '>=', n);
    case 'lt':
      return eb(column, '<', n);
    case 'lte':
      return eb(column, '<=', n);
    default:
      throw new Error(`segment: ${op} on a number field`);
  }
}

function customFieldPredicate(eb: MemberEb, rule: CustomFieldRule, seg: ResolvedSegment): Expression<SqlBool> {
  const value: RawBuilder<string | null> = jsonTextField(seg.dialect, 'm.custom_fields', rule.key);
  return textPredicate(eb, value, rule.op, rule.value);
}

/** Conditions on a time column (epoch ms) for a `when` window. */
function whenPredicates(column: string, when: SegmentWhen | undefined, now: number): RawBuilder<SqlBool>[] {
  if (!when) return [];
  const ref = sql.ref(column);
  switch (when.kind) {
    case 'within_days':
      return [sql<SqlBool>`${ref} >= ${now - when.days * DAY}`];
    case 'since':
      return [sql<SqlBool>`${ref} >= ${when.at}`];
    case 'before':
      return [sql<SqlBool>`${ref} < ${when.at}`];
    case 'between':
      return [sql<SqlBool>`${ref} >= ${when.from}`, sql<SqlBool>`${ref} <= ${when.to}`];
  }
}

// ── Conditions on other tables ─────────────────────────────────────────────────────────────────────────────────────
//
// A condition a member meets ("has tag", "in community", "did X") is `m.id in (select member_id …)`: both databases
// read the subquery once into a set (PostgreSQL: a semi-join; SQLite: an ephemeral index with a Bloom filter) instead
// of probing it once per member. One such condition at the top of the tree drives the query: the member rows are
// then read by id from its set, and every other condition is checked against the few members found; the others are
// marked unindexed (dialect.ts), since SQLite would otherwise loop over two id lists at once. A condition a member
// must not meet ("did not", "not in") is then a correlated NOT EXISTS, run only for those few members; without a
// driving set it is `not in` the set read once, which beats a probe for each member of the workspace.

type Compile = { seg: ResolvedSegment; driver: SegmentRule | null };

/** m.id in (subquery): index-usable for the driver, unindexed for the rest. */
function memberIn(eb: MemberEb, subquery: Expression<unknown>, rule: SegmentRule, c: Compile): Expression<SqlBool> {
  const id = rule === c.driver ? eb.ref('m.id') : unindexed(c.seg.dialect, 'm.id');
  return eb(id, 'in', subquery as never) as Expression<SqlBool>;
}

function tagRows(eb: MemberEb, tags: readonly string[], seg: ResolvedSegment) {
  return eb
    .selectFrom('member_tags as t')
    .where('t.workspace_id', '=', seg.workspaceId)
    .where(
      't.tag',
      'in',
      tags.map((t) => t.trim().toLowerCase()),
    );
}

function communityRows(eb: MemberEb, rule: CommunityRule, seg: ResolvedSegment) {
  const ids = new Set<number>();
  for (const id of rule.communityIds) for (const inTree of rule.includeDescendants ? (seg.trees.get(id) ?? [id]) : [id]) ids.add(inTree);
  let q = eb
    .selectFrom('memberships as ms')
    .where('ms.workspace_id', '=', seg.workspaceId)
    .where(
      'ms.community_id',
      'in',
      [...ids].sort((a, b) => a - b),
    )
    .where('ms.status', '=', 'active');
  if (rule.roles && rule.roles.length > 0) q = q.where('ms.role', 'in', rule.roles);
  return q;
}

function activityRows(eb: MemberEb, rule: ActivityRule, seg: ResolvedSegment) {
  let q = eb.selectFrom('activities as a').where('a.workspace_id', '=', seg.workspaceId).where('a.type', 'in', rule.types);
  if (rule.communityId !== undefined) q = q.where('a.community_id', '=', rule.communityId);
  if (rule.actionId !== undefined) q = q.where('a.subject_type', 'in', ACTION_SUBJECTS).where('a.subject_id', '=', rule.actionId);
  if (rule.excludeActionId !== undefined)
    q = q.where('a.subject_type', 'in', ACTION_SUBJECTS).where('a.subject_id', '<>', rule.excludeActionId);
  for (const p of whenPredicates('a.occurred_at', rule.when, seg.now)) q = q.where(p);
  return q;
}

/**
 * `<column> = m.id`, and when the workspace has merged members, also the ids of the members merged into m (the
 * activity log and messages keep their own member id).
 */
function ownedByMember(column: string, seg: ResolvedSegment): RawBuilder<SqlBool> {
  const id = sql.ref('m.id');
  if (!seg.merged) return sql<SqlBool>`${sql.ref(column)} = ${id}`;
  return sql<SqlBool>`${sql.ref(column)} in (select ${id} union all select dm.id from members dm where dm.workspace_id = ${seg.workspaceId} and dm.merged_into = ${id})`;
}

/** A set of member ids, with the survivors of merged members in it added (see ResolvedSegment.merged). */
function withMerged(eb: MemberEb, seg: ResolvedSegment, set: SelectQueryBuilder<MemberDb, never, { member_id: number | null }>) {
  if (!seg.merged) return set;
  return set.unionAll(
    eb
      .selectFrom('members as dm')
      .where('dm.workspace_id', '=', seg.workspaceId)
      .where('dm.merged_into', 'is not', null)
      .where('dm.id', 'in', set)
      .select(sql<number>`${sql.ref('dm.merged_into')}`.as('member_id')),
  );
}

type Counted = { op: 'gte' | 'eq'; n: number } | null;

/**
 * An activity rule as a set of members and whether the rule wants members in it or out of it: "at least n times"
 * and "exactly n (≥ 1) times" are sets; "at most n times" is "not at least n + 1 times"; "exactly 0" is "not at least
 * once"; "at least 0 times" holds for everyone. "Did not" flips the sign.
 */
function activityShape(rule: ActivityRule): { always: true; holds: boolean } | { always: false; positive: boolean; counted: Counted } {
  const count = rule.count;
  let positive = true;
  let counted: Counted = null;
  if (count?.op === 'gte') {
    if (count.n === 0) return { always: true, holds: rule.did };
    counted = count.n === 1 ? null : { op: 'gte', n: count.n };
  } else if (count?.op === 'eq') {
    if (count.n === 0) positive = false;
    else counted = { op: 'eq', n: count.n };
  } else if (count?.op === 'lte') {
    positive = false;
    counted = count.n === 0 ? null : { op: 'gte', n: count.n + 1 };
  }
  return { always: false, positive: rule.did ? positive : !positive, counted };
}

/**
 * Members in a set, or not in it. "In" is `m.id in (set)`. "Not in" is a correlated probe when a driving set
 * narrows the members first (it then runs for a few of them), else `not in` the set read once (a probe for each of a
 * million members costs more than reading the set).
 */
function inSet(
  eb: MemberEb,
  c: Compile,
  rule: SegmentRule,
  positive: boolean,
  set: () => Expression<unknown>,
  probe: () => Expression<SqlBool>,
): Expression<SqlBool> {
  if (positive) return memberIn(eb, set(), rule, c);
  if (c.driver) return eb.not(probe());
  return eb.not(memberIn(eb, set(), rule, c));
}

function activityPredicate(eb: MemberEb, rule: ActivityRule, c: Compile, negate: boolean): Expression<SqlBool> {
  const shape = activityShape(rule);
  if (shape.always) return shape.holds !== negate ? always : never;
  const { counted } = shape;
  const { seg } = c;
  const rows = () => activityRows(eb, rule, seg);
  // Members who did it: their own rows, and those of members merged into them (credited to the survivor).
  const doers = () => {
    const own = rows().select('a.member_id as member_id');
    if (!seg.merged) return own;
    return own.unionAll(
      rows()
        .innerJoin('members as dm', 'dm.id', 'a.member_id')
        .where('dm.workspace_id', '=', seg.workspaceId)
        .where('dm.merged_into', 'is not', null)
        .select(sql<number>`${sql.ref('dm.merged_into')}`.as('member_id')),
    );
  };
  const set = () =>
    counted === null
      ? doers()
      : eb
          .selectFrom(doers().as('d'))
          .select('d.member_id')
          .groupBy('d.member_id')
          .having((h) => h(h.fn.countAll(), counted.op === 'gte' ? '>=' : '=', counted.n));
  const probe = () => {
    const mine = rows().where(ownedByMember('a.member_id', seg));
    if (counted === null) return eb.exists(mine.select(sql.lit(1).as('one')));
    const n = mine.select((inner) => inner.fn.countAll<number>().as('n'));
    return eb(n, counted.op === 'gte' ? '>=' : '=', counted.n) as Expression<SqlBool>;
  };
  return inSet(eb, c, rule, shape.positive !== negate, set, probe);
}

function messagePredicate(eb: MemberEb, rule: MessageRule, c: Compile, negate: boolean): Expression<SqlBool> {
  const { seg } = c;
  if (rule.event === 'received' || (rule.event === 'replied' && rule.broadcastId === undefined)) {
    // Received: outbound texts that went out (sent or delivered; tests aside). Replied: any text the member sent us
    // (keywords, survey answers and opt-outs included).
    const rows = () => {
      let q = eb.selectFrom('messages as x').where('x.workspace_id', '=', seg.workspaceId).where('x.member_id', 'is not', null);
      if (rule.event === 'received') {
        q = q.where('x.direction', '=', 'out').where('x.kind', '<>', 'test').where('x.state', 'in', ['sent', 'delivered']);
        if (rule.broadcastId !== undefined) q = q.where('x.broadcast_id', '=', rule.broadcastId);
        for (const p of whenPredicates('x.sent_at', rule.when, seg.now)) q = q.where(p);
      } else {
        q = q.where('x.direction', '=', 'in');
        for (const p of whenPredicates('x.created_at', rule.when, seg.now)) q = q.where(p);
      }
      return q;
    };
    return inSet(
      eb,
      c,
      rule,
      rule.did !== negate,
      () => withMerged(eb, seg, rows().select('x.member_id as member_id')),
      () => eb.exists(rows().where(ownedByMember('x.member_id', seg)).select(sql.lit(1).as('one'))),
    );
  }
  // clicked and opted_out are activities; a reply credited to a broadcast is a `replied` activity about it.
  const rows = () => {
    let q = eb.selectFrom('activities as a').where('a.workspace_id', '=', seg.workspaceId).where('a.type', '=', rule.event);
    if (rule.broadcastId !== undefined) q = q.where('a.subject_type', '=', 'broadcast').where('a.subject_id', '=', rule.broadcastId);
    for (const p of whenPredicates('a.occurred_at', rule.when, seg.now)) q = q.where(p);
    return q;
  };
  return inSet(
    eb,
    c,
    rule,
    rule.did !== negate,
    () => withMerged(eb, seg, rows().select('a.member_id as member_id')),
    () => eb.exists(rows().where(ownedByMember('a.member_id', seg)).select(sql.lit(1).as('one'))),
  );
}

/** How well a condition narrows the members down, best first, when nothing is known of the data. */
function selectivity(rule: SegmentRule): number | null {
  switch (rule.kind) {
    case 'activity': {
      const shape = activityShape(rule);
      if (shape.always || !shape.positive) return null;
      return rule.actionId !== undefined ? 0 : rule.communityId !== undefined ? 2 : 3;
    }
    case 'message':
      if (!rule.did) return null;
      return rule.broadcastId !== undefined ? 0 : 3;
    case 'tag':
      return rule.has ? 1 : null;
    case 'community':
      return rule.in ? 2 : null;
    default:
      return null;
  }
}

/** The condition that drives the query: the most selective set condition every match must meet (top-level ANDs). */
function pickDriver(rule: SegmentRule): SegmentRule | null {
  let best: SegmentRule | null = null;
  let bestRank = Number.POSITIVE_INFINITY;
  const visit = (r: SegmentRule) => {
    if (r.kind === 'group') {
      // A NOT over one condition makes it a "must not" (compileRule), which never drives.
      if (!r.not && (r.op === 'and' || r.rules.length === 1)) for (const child of r.rules) visit(child);
      return;
    }
    const rank = selectivity(r);
    if (rank !== null && rank < bestRank) {
      best = r;
      bestRank = rank;
    }
  };
  visit(rule);
  return best;
}

/**
 * `negate`: the rule sits under a NOT (a NOT group of one condition, as the builder makes "did not … since …"): a set
 * condition is then compiled as its opposite, so it is probed member by member like a "did not".
 */
function compileRule(eb: MemberEb, rule: SegmentRule, c: Compile, negate = false): Expression<SqlBool> {
  switch (rule.kind) {
    case 'group': {
      const [only] = rule.rules;
      if (rule.rules.length === 1 && only) return compileRule(eb, only, c, negate !== (rule.not ?? false));
      const parts = rule.rules.map((r) => compileRule(eb, r, c));
      const joined = parts.length === 0 ? (rule.op === 'and' ? always : never) : rule.op === 'and' ? eb.and(parts) : eb.or(parts);
      return (rule.not ?? false) !== negate ? eb.not(joined) : joined;
    }
    case 'field': {
      const holds = fieldPredicate(eb, rule, c);
      return negate ? eb.not(holds) : holds;
    }
    case 'custom_field': {
      const holds = customFieldPredicate(eb, rule, c.seg);
      return negate ? eb.not(holds) : holds;
    }
    case 'tag': {
      const rows = () => tagRows(eb, rule.tags, c.seg);
      return inSet(
        eb,
        c,
        rule,
        rule.has !== negate,
        () => rows().select('t.member_id'),
        () => eb.exists(rows().whereRef('t.member_id', '=', 'm.id').select(sql.lit(1).as('one'))),
      );
    }
    case 'community': {
      const rows = () => communityRows(eb, rule, c.seg);
      return inSet(
        eb,
        c,
        rule,
        rule.in !== negate,
        () => rows().select('ms.member_id'),
        () => eb.exists(rows().whereRef('ms.member_id', '=', 'm.id').select(sql.lit(1).as('one'))),
      );
    }
    case 'activity':
      return activityPredicate(eb, rule, c, negate);
    case 'message':
      return messagePredicate(eb, rule, c, negate);
  }
}

/** The WHERE of a segment over `members as m`: live members of the workspace who match the rules. */
export function segmentWhere(seg: ResolvedSegment) {
  return (eb: MemberEb): Expression<SqlBool> =>
    eb.and([
      eb('m.workspace_id', '=', seg.workspaceId),
      eb('m.merged_into', 'is', null),
      eb('m.erased_at', 'is', null),
      compileRule(eb, seg.rule, { seg, driver: pickDriver(seg.rule) }),
    ]);
}

/** `select … from members as m where <segment>`: add the columns, order and limit. */
export function selectSegment(db: Executor, seg: ResolvedSegment) {
  return db.selectFrom('members as m').where(segmentWhere(seg));
}

/** How many live members match. */
export async function countSegment(db: Executor, seg: ResolvedSegment): Promise<number> {
  const row = await selectSegment(db, seg)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
