import {
  defaultRule,
  type GroupRule,
  MAX_SEGMENT_DEPTH,
  type SegmentRule,
  type SegmentRuleKind,
  segmentRule,
} from '../../../common/segments.ts';

// The builder edits a copy of the rule tree in which every node carries an id, so rows keep their identity (and their
// inputs their focus) while rows above them are added or removed. `toRule` drops the ids before anything is sent.

export type DraftCondition = Exclude<SegmentRule, GroupRule> & { nodeId: string };
export type DraftGroup = { kind: 'group'; nodeId: string; op: 'and' | 'or'; not: boolean; rules: DraftNode[] };
export type DraftNode = DraftGroup | DraftCondition;

let lastId = 0;
const newId = () => `r${++lastId}`;

export function toDraft(rule: SegmentRule): DraftNode {
  if (rule.kind === 'group') return { kind: 'group', nodeId: newId(), op: rule.op, not: rule.not ?? false, rules: rule.rules.map(toDraft) };
  return { ...rule, nodeId: newId() };
}

/** A saved segment's top node is a group; a bare condition is wrapped in one so the builder always starts from a group. */
export function toDraftRoot(rule: SegmentRule): DraftGroup {
  const draft = toDraft(rule);
  return draft.kind === 'group' ? draft : { kind: 'group', nodeId: newId(), op: 'and', not: false, rules: [draft] };
}

export function toRule(node: DraftNode): SegmentRule {
  if (node.kind === 'group') {
    return { kind: 'group', op: node.op, ...(node.not ? { not: true } : {}), rules: node.rules.map(toRule) };
  }
  const { nodeId: _nodeId, ...rule } = node;
  return rule as SegmentRule;
}

/** A new condition of a kind, as the "+ Condition" button and the kind picker make it. */
export function newCondition(kind: Exclude<SegmentRuleKind, 'group'>): DraftCondition {
  return toDraft(defaultRule(kind)) as DraftCondition;
}

/** A new group holds one condition, since an empty group matches nothing useful and is refused. */
export function newGroup(): DraftGroup {
  return { kind: 'group', nodeId: newId(), op: 'and', not: false, rules: [newCondition('field')] };
}

/** A fresh tree: everyone who signed something. */
export function emptyRoot(): DraftGroup {
  return { kind: 'group', nodeId: newId(), op: 'and', not: false, rules: [newCondition('activity')] };
}

/** Whether a group at this depth (the top group is 1) may hold another group. */
export function canNest(depth: number): boolean {
  return depth < MAX_SEGMENT_DEPTH;
}

// ── Errors on rows ──────────────────────────────────────────────────────────────────────────────────────────────────

/** Messages per node id, then per field of that node ('' for the node itself, 'value', 'count.n', 'when.to' …). */
export type RowErrors = Map<string, Record<string, string>>;

type Segment = string | number;

/**
 * Puts each problem on the row it is about: the path is walked down the tree (`rules.2.rules.0`) as far as it names
 * nodes, and the rest of it (list indexes aside) is the field of that row.
 */
export function errorsByRow(root: DraftGroup, issues: readonly { path: readonly Segment[]; message: string }[]): RowErrors {
  const rows: RowErrors = new Map();
  for (const issue of issues) {
    let node: DraftNode = root;
    let i = 0;
    while (node.kind === 'group' && issue.path[i] === 'rules' && i + 1 < issue.path.length) {
      const child: DraftNode | undefined = node.rules[Number(issue.path[i + 1])];
      if (!child) break;
      node = child;
      i += 2;
    }
    // `communityIds.0` is about the communities input as a whole.
    const field = issue.path
      .slice(i)
      .filter((part) => typeof part !== 'number')
      .join('.');
    const messages = rows.get(node.nodeId) ?? {};
    messages[field] ??= readable(issue.message);
    rows.set(node.nodeId, messages);
  }
  return rows;
}

/** The rule tree checked the way the server checks it; the problems by row, or null when it may be counted. */
export function localErrors(root: DraftGroup): RowErrors | null {
  const parsed = segmentRule.safeParse(toRule(root));
  if (parsed.success) return null;
  return errorsByRow(
    root,
    parsed.error.issues.map((issue) => ({ path: issue.path.filter((p): p is Segment => typeof p !== 'symbol'), message: issue.message })),
  );
}

/** A server problem's path (`body.rules.rules.0.value`) as a path into the tree, or null when it is not about the rules. */
export function treePath(path: string): Segment[] | null {
  const parts = path.split('.');
  if (parts[0] === 'body') parts.shift();
  if (parts[0] !== 'rules') return null;
  return parts.slice(1).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** Zod's generic wording turned into something an organizer can act on. */
function readable(message: string): string {
  if (/expected array to have >=1/i.test(message)) return 'Choose at least one';
  if (/expected string to have >=1/i.test(message)) return 'Fill this in';
  if (/expected number, received (undefined|NaN)/i.test(message)) return 'Enter a number';
  if (/Invalid input: expected number/i.test(message)) return 'Enter a number';
  if (/expected string, received undefined/i.test(message)) return 'Fill this in';
  return message.charAt(0).toUpperCase() + message.slice(1);
}
