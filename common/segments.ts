import { z } from 'zod';
import { ACTIVITY_TYPES, type ActivityType } from './activities.ts';

/**
 * Segments: a rule tree over members (DESIGN.md §3) that the server compiles to SQL and the dashboard's builder edits.
 * Everything the builder renders (fields, which operators each field takes, what kind of value an operator wants,
 * labels) comes from here, so the two never disagree. Times are epoch milliseconds.
 */

// ── Fields and operators ────────────────────────────────────────────────────────────────────────────────────────────

export const SEGMENT_FIELDS = [
  'first_name',
  'last_name',
  'email',
  'phone',
  'postal_code',
  'language',
  'timezone',
  'source',
  'created_at',
  'last_active_at',
  'sms_consent',
  'email_consent',
  'engagement_score',
  'referral_count',
] as const;
export type SegmentField = (typeof SEGMENT_FIELDS)[number];

export const SEGMENT_OPS = [
  'eq',
  'neq',
  'contains',
  'starts_with',
  'in',
  'is_set',
  'is_not_set',
  'gt',
  'gte',
  'lt',
  'lte',
  'before',
  'after',
  'within_days',
  'more_than_days_ago',
] as const;
export type SegmentOp = (typeof SEGMENT_OPS)[number];

/** Operators on text (member text fields and custom fields). */
export const TEXT_OPS = ['eq', 'neq', 'contains', 'starts_with', 'in', 'is_set', 'is_not_set'] as const satisfies readonly SegmentOp[];
export type TextOp = (typeof TEXT_OPS)[number];
export const NUMBER_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte'] as const satisfies readonly SegmentOp[];
export const DATE_OPS = [
  'before',
  'after',
  'within_days',
  'more_than_days_ago',
  'is_set',
  'is_not_set',
] as const satisfies readonly SegmentOp[];
export const CHOICE_OPS = ['eq', 'neq', 'in'] as const satisfies readonly SegmentOp[];

/**
 * What an operator wants as its value:
 * none (is_set), text (one string), text_list (strings, any of), number, date (epoch ms), days (a whole number of days).
 */
export type SegmentValueKind = 'none' | 'text' | 'text_list' | 'number' | 'date' | 'days';

export type SegmentFieldType = 'text' | 'number' | 'date' | 'choice';

export type SegmentFieldMeta = {
  label: string;
  type: SegmentFieldType;
  ops: readonly SegmentOp[];
  /** For choice fields: the values offered (stored value → label). */
  choices?: readonly { value: string; label: string }[];
  /** Shown under the input. */
  hint?: string;
};

const CONSENT_CHOICES = [
  { value: 'granted', label: 'Granted' },
  { value: 'revoked', label: 'Revoked (opted out)' },
  { value: 'none', label: 'Never given' },
] as const;

export const SEGMENT_FIELD_META: Record<SegmentField, SegmentFieldMeta> = {
  first_name: { label: 'First name', type: 'text', ops: TEXT_OPS },
  last_name: { label: 'Last name', type: 'text', ops: TEXT_OPS },
  email: { label: 'Email', type: 'text', ops: TEXT_OPS },
  phone: { label: 'Phone', type: 'text', ops: TEXT_OPS, hint: 'E.164, e.g. +15125550123; "starts with +1512" finds an area code' },
  postal_code: { label: 'Postal code', type: 'text', ops: TEXT_OPS },
  language: { label: 'Language', type: 'text', ops: ['eq', 'neq', 'in'], hint: 'Language code, e.g. en or es' },
  timezone: { label: 'Time zone', type: 'text', ops: ['eq', 'neq', 'in', 'starts_with'], hint: 'e.g. America/Chicago' },
  source: { label: 'Source', type: 'text', ops: TEXT_OPS, hint: 'Where the member came from (import, keyword, a page)' },
  created_at: { label: 'Added', type: 'date', ops: ['before', 'after', 'within_days', 'more_than_days_ago'] },
  last_active_at: { label: 'Last active', type: 'date', ops: DATE_OPS },
  sms_consent: { label: 'SMS consent', type: 'choice', ops: CHOICE_OPS, choices: CONSENT_CHOICES },
  email_consent: { label: 'Email consent', type: 'choice', ops: CHOICE_OPS, choices: CONSENT_CHOICES },
  engagement_score: {
    label: 'Engagement score',
    type: 'number',
    ops: NUMBER_OPS,
    hint: 'Lifetime points from what the member did, capped at 100',
  },
  referral_count: { label: 'People referred', type: 'number', ops: NUMBER_OPS },
};

export const SEGMENT_OP_LABELS: Record<SegmentOp, string> = {
  eq: 'is',
  neq: 'is not',
  contains: 'contains',
  starts_with: 'starts with',
  in: 'is any of',
  is_set: 'is set',
  is_not_set: 'is not set',
  gt: 'is more than',
  gte: 'is at least',
  lt: 'is less than',
  lte: 'is at most',
  before: 'is before',
  after: 'is after',
  within_days: 'is within the last (days)',
  more_than_days_ago: 'is more than (days) ago',
};

/** The value an operator on a field of this type wants (the builder picks its input from this). */
export function valueKindOf(type: SegmentFieldType, op: SegmentOp): SegmentValueKind {
  switch (op) {
    case 'is_set':
    case 'is_not_set':
      return 'none';
    case 'in':
      return 'text_list';
    case 'within_days':
    case 'more_than_days_ago':
      return 'days';
    case 'before':
    case 'after':
      return 'date';
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return 'number';
    default:
      return type === 'number' ? 'number' : 'text';
  }
}

/** Why a value does not fit an operator, or null. Shared by the schema (field errors) and the builder (hints). */
export function valueProblem(kind: SegmentValueKind, value: unknown): string | null {
  switch (kind) {
    case 'none':
      return value === undefined || value === null ? null : 'must be empty for this operator';
    case 'text':
      return typeof value === 'string' && value.length > 0 && value.length <= 200 ? null : 'must be text (1 to 200 characters)';
    case 'text_list':
      return Array.isArray(value) && value.length > 0 && value.length <= 500 && value.every((v) => typeof v === 'string' && v.length <= 200)
        ? null
        : 'must be a list of 1 to 500 values';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? null : 'must be a number';
    case 'date':
      return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? null : 'must be a date (epoch milliseconds)';
    case 'days':
      return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 36500
        ? null
        : 'must be a whole number of days (1 or more)';
  }
}

// ── Rules ───────────────────────────────────────────────────────────────────────────────────────────────────────────

export const MEMBERSHIP_ROLES = ['member', 'leader', 'mentor'] as const;
export type SegmentMembershipRole = (typeof MEMBERSHIP_ROLES)[number];

export const MESSAGE_EVENTS = ['received', 'clicked', 'replied', 'opted_out'] as const;
export type MessageEvent = (typeof MESSAGE_EVENTS)[number];
export const MESSAGE_EVENT_LABELS: Record<MessageEvent, { label: string; past: string; base: string }> = {
  received: { label: 'Received a message', past: 'received a message', base: 'receive a message' },
  clicked: { label: 'Clicked a link', past: 'clicked a link', base: 'click a link' },
  replied: { label: 'Replied', past: 'replied', base: 'reply' },
  opted_out: { label: 'Opted out', past: 'opted out', base: 'opt out' },
};

export const COUNT_OPS = ['gte', 'lte', 'eq'] as const;
export type CountOp = (typeof COUNT_OPS)[number];

/** The most groups nested in one another (the top group is depth 1). */
export const MAX_SEGMENT_DEPTH = 5;
/** The most rules in one group, and in a whole tree. */
export const MAX_GROUP_RULES = 50;
export const MAX_SEGMENT_RULES = 200;

const id = z.number().int().positive();
const epochMs = z.number().int().min(0);

/** A time window for activities and messages. */
export const segmentWhen = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('within_days'), days: z.number().int().min(1).max(36500) }),
  z.object({ kind: z.literal('since'), at: epochMs }),
  z.object({ kind: z.literal('before'), at: epochMs }),
  z.object({ kind: z.literal('between'), from: epochMs, to: epochMs }).refine((w) => w.from <= w.to, {
    message: 'must not end before it starts',
    path: ['to'],
  }),
]);
export type SegmentWhen = z.infer<typeof segmentWhen>;
export const SEGMENT_WHEN_KINDS = ['within_days', 'since', 'before', 'between'] as const;
export const SEGMENT_WHEN_LABELS: Record<SegmentWhen['kind'], string> = {
  within_days: 'in the last … days',
  since: 'since',
  before: 'before',
  between: 'between',
};

const fieldValue = z.union([z.string(), z.number(), z.array(z.string())]).optional();

export type FieldRule = { kind: 'field'; field: SegmentField; op: SegmentOp; value?: string | number | string[] | undefined };
export type CustomFieldRule = { kind: 'custom_field'; key: string; op: TextOp; value?: string | number | string[] | undefined };
export type TagRule = { kind: 'tag'; has: boolean; tags: string[] };
export type CommunityRule = {
  kind: 'community';
  in: boolean;
  communityIds: number[];
  roles?: SegmentMembershipRole[] | undefined;
  includeDescendants?: boolean | undefined;
};
export type ActivityRule = {
  kind: 'activity';
  did: boolean;
  types: ActivityType[];
  communityId?: number | undefined;
  actionId?: number | undefined;
  excludeActionId?: number | undefined;
  count?: { op: CountOp; n: number } | undefined;
  when?: SegmentWhen | undefined;
};
export type MessageRule = {
  kind: 'message';
  did: boolean;
  event: MessageEvent;
  when?: SegmentWhen | undefined;
  broadcastId?: number | undefined;
};
export type GroupRule = { kind: 'group'; op: 'and' | 'or'; not?: boolean | undefined; rules: SegmentRule[] };
export type SegmentRule = GroupRule | FieldRule | CustomFieldRule | TagRule | CommunityRule | ActivityRule | MessageRule;
export type SegmentRuleKind = SegmentRule['kind'];

const fieldRule = z
  .object({ kind: z.literal('field'), field: z.enum(SEGMENT_FIELDS), op: z.enum(SEGMENT_OPS), value: fieldValue })
  .superRefine((rule, ctx) => {
    const meta = SEGMENT_FIELD_META[rule.field];
    if (!meta.ops.includes(rule.op)) {
      ctx.addIssue({ code: 'custom', path: ['op'], message: `${meta.label} cannot be compared with "${SEGMENT_OP_LABELS[rule.op]}"` });
      return;
    }
    const problem = valueProblem(valueKindOf(meta.type, rule.op), rule.value);
    if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: problem });
    else if (meta.choices && rule.value !== undefined) {
      const allowed = meta.choices.map((c) => c.value);
      const values = Array.isArray(rule.value) ? rule.value : [rule.value];
      if (!values.every((v) => typeof v === 'string' && allowed.includes(v))) {
        ctx.addIssue({ code: 'custom', path: ['value'], message: `must be one of ${allowed.join(', ')}` });
      }
    }
  });

/** Custom-field keys as the import stores them (common/import-fields.ts customKeyOf). */
export const CUSTOM_FIELD_KEY = /^[a-z][a-z0-9_]{0,39}$/;

const customFieldRule = z
  .object({
    kind: z.literal('custom_field'),
    key: z.string().regex(CUSTOM_FIELD_KEY, 'must be a custom field key (lower case letters, digits and _)'),
    op: z.enum(TEXT_OPS),
    value: fieldValue,
  })
  .superRefine((rule, ctx) => {
    const problem = valueProblem(valueKindOf('text', rule.op), rule.value);
    if (problem) ctx.addIssue({ code: 'custom', path: ['value'], message: problem });
  });

const tagRule = z.object({
  kind: z.literal('tag'),
  has: z.boolean(),
  tags: z.array(z.string().trim().min(1).max(50)).min(1).max(50),
});

const communityRule = z.object({
  kind: z.literal('community'),
  in: z.boolean(),
  communityIds: z.array(id).min(1).max(100),
  roles: z.array(z.enum(MEMBERSHIP_ROLES)).min(1).optional(),
  includeDescendants: z.boolean().optional(),
});

const activityRule = z
  .object({
    kind: z.literal('activity'),
    did: z.boolean(),
    types: z.array(z.enum(ACTIVITY_TYPES)).min(1).max(ACTIVITY_TYPES.length),
    communityId: id.optional(),
    actionId: id.optional(),
    excludeActionId: id.optional(),
    count: z.object({ op: z.enum(COUNT_OPS), n: z.number().int().min(0).max(1_000_000) }).optional(),
    when: segmentWhen.optional(),
  })
  .superRefine((rule, ctx) => {
    if (rule.actionId !== undefined && rule.excludeActionId !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['excludeActionId'], message: 'cannot be combined with actionId' });
    }
  });

const messageRule = z
  .object({
    kind: z.literal('message'),
    did: z.boolean(),
    event: z.enum(MESSAGE_EVENTS),
    when: segmentWhen.optional(),
    broadcastId: id.optional(),
  })
  .superRefine((rule, ctx) => {
    // An opt-out (STOP, or a revocation by staff) is recorded for the member, not for the broadcast that preceded it.
    if (rule.event === 'opted_out' && rule.broadcastId !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['broadcastId'], message: 'cannot narrow opt-outs: they are not tied to a broadcast' });
    }
  });

const groupRule: z.ZodType<GroupRule> = z.object({
  kind: z.literal('group'),
  op: z.enum(['and', 'or']),
  not: z.boolean().optional(),
  rules: z
    .array(z.lazy(() => ruleNode))
    .min(1)
    .max(MAX_GROUP_RULES),
});

const ruleNode: z.ZodType<SegmentRule> = z.discriminatedUnion('kind', [
  groupRule as unknown as z.ZodObject<{ kind: z.ZodLiteral<'group'> }>,
  fieldRule,
  customFieldRule,
  tagRule,
  communityRule,
  activityRule,
  messageRule,
]) as unknown as z.ZodType<SegmentRule>;

/** The depth of a rule: a condition is 0, a group 1 + its deepest child. */
export function ruleDepth(rule: SegmentRule): number {
  return rule.kind === 'group' ? 1 + Math.max(0, ...rule.rules.map(ruleDepth)) : 0;
}

export function ruleCount(rule: SegmentRule): number {
  return rule.kind === 'group' ? 1 + rule.rules.reduce((n, r) => n + ruleCount(r), 0) : 1;
}

/** The path of the first group nested deeper than allowed, or null. */
function tooDeep(rule: SegmentRule, depth: number, path: (string | number)[]): (string | number)[] | null {
  if (rule.kind !== 'group') return null;
  if (depth > MAX_SEGMENT_DEPTH) return path;
  for (const [i, child] of rule.rules.entries()) {
    const found = tooDeep(child, depth + 1, [...path, 'rules', i]);
    if (found) return found;
  }
  return null;
}

/** A segment's rule tree, checked whole: at most 5 groups deep and 200 rules. */
export const segmentRule: z.ZodType<SegmentRule> = ruleNode.superRefine((rule, ctx) => {
  const deep = tooDeep(rule, 1, []);
  if (deep) ctx.addIssue({ code: 'custom', path: deep, message: `groups may be nested at most ${MAX_SEGMENT_DEPTH} deep` });
  if (ruleCount(rule) > MAX_SEGMENT_RULES)
    ctx.addIssue({ code: 'custom', path: [], message: `a segment may have at most ${MAX_SEGMENT_RULES} rules` });
});

// ── The builder's palette ───────────────────────────────────────────────────────────────────────────────────────────

export const SEGMENT_RULE_KINDS = [
  'group',
  'field',
  'custom_field',
  'tag',
  'community',
  'activity',
  'message',
] as const satisfies readonly SegmentRuleKind[];
export const SEGMENT_RULE_KIND_LABELS: Record<SegmentRuleKind, string> = {
  group: 'Group (all / any of)',
  field: 'Member field',
  custom_field: 'Custom field',
  tag: 'Tag',
  community: 'Community',
  activity: 'Activity',
  message: 'Messages',
};

/** What a member did, as the builder lists it and as a sentence says it (past tense, and after "did not"). */
export const ACTIVITY_LABELS: Record<ActivityType, { label: string; past: string; base: string }> = {
  created: { label: 'Added', past: 'was added', base: 'get added' },
  imported: { label: 'Imported', past: 'was imported', base: 'get imported' },
  joined: { label: 'Joined a community', past: 'joined a community', base: 'join a community' },
  left: { label: 'Left a community', past: 'left a community', base: 'leave a community' },
  role_changed: { label: 'Role changed', past: 'changed role', base: 'change role' },
  merged: { label: 'Merged', past: 'was merged', base: 'get merged' },
  tagged: { label: 'Tagged', past: 'was tagged', base: 'get tagged' },
  opted_in: { label: 'Opted in', past: 'opted in', base: 'opt in' },
  opted_out: { label: 'Opted out', past: 'opted out', base: 'opt out' },
  signed: { label: 'Signed', past: 'signed', base: 'sign' },
  called: { label: 'Called', past: 'called', base: 'call' },
  rsvped: { label: 'RSVPed', past: 'RSVPed', base: 'RSVP' },
  attended: { label: 'Attended', past: 'attended', base: 'attend' },
  answered: { label: 'Answered a survey', past: 'answered a survey', base: 'answer a survey' },
  clicked: { label: 'Clicked a link', past: 'clicked a link', base: 'click a link' },
  replied: { label: 'Replied', past: 'replied', base: 'reply' },
  shared: { label: 'Shared', past: 'shared', base: 'share' },
  referred: { label: 'Referred someone', past: 'referred someone', base: 'refer someone' },
  posted: { label: 'Posted', past: 'posted', base: 'post' },
  badge_earned: { label: 'Earned a badge', past: 'earned a badge', base: 'earn a badge' },
  points_awarded: { label: 'Was awarded points', past: 'was awarded points', base: 'get awarded points' },
};

/** A fresh rule of a kind, as the builder adds it (valid except where the organizer must choose, e.g. a community). */
export function defaultRule(kind: SegmentRuleKind): SegmentRule {
  switch (kind) {
    case 'group':
      return { kind: 'group', op: 'and', rules: [] };
    case 'field':
      return { kind: 'field', field: 'first_name', op: 'is_set' };
    case 'custom_field':
      return { kind: 'custom_field', key: '', op: 'is_set' };
    case 'tag':
      return { kind: 'tag', has: true, tags: [] };
    case 'community':
      return { kind: 'community', in: true, communityIds: [], includeDescendants: true };
    case 'activity':
      return { kind: 'activity', did: true, types: ['signed'] };
    case 'message':
      return { kind: 'message', did: true, event: 'clicked', when: { kind: 'within_days', days: 30 } };
  }
}

// ── In words ────────────────────────────────────────────────────────────────────────────────────────────────────────

/** Names for the ids a rule refers to; an id without a name is shown as "#12". */
export type SegmentNames = {
  communities?: Record<number, string>;
  actions?: Record<number, string>;
  broadcasts?: Record<number, string>;
};

const day = (at: number) => new Date(at).toISOString().slice(0, 10);
const quote = (s: string) => `"${s}"`;
const orList = (items: string[]) => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`);
const nameOf = (map: Record<number, string> | undefined, id: number) => map?.[id] ?? `#${id}`;

function describeWhen(when: SegmentWhen | undefined): string {
  if (!when) return '';
  switch (when.kind) {
    case 'within_days':
      return ` in the last ${when.days} day${when.days === 1 ? '' : 's'}`;
    case 'since':
      return ` since ${day(when.at)}`;
    case 'before':
      return ` before ${day(when.at)}`;
    case 'between':
      return ` between ${day(when.from)} and ${day(when.to)}`;
  }
}

function describeValue(type: SegmentFieldType, op: SegmentOp, value: FieldRule['value']): string {
  const kind = valueKindOf(type, op);
  if (kind === 'none' || value === undefined) return '';
  if (kind === 'days') return ` ${value}`;
  if (kind === 'date' && typeof value === 'number') return ` ${day(value)}`;
  if (Array.isArray(value)) return ` ${orList(value.map(quote))}`;
  return typeof value === 'string' ? ` ${quote(value)}` : ` ${value}`;
}

function describeCondition(rule: Exclude<SegmentRule, GroupRule>, names: SegmentNames): string {
  switch (rule.kind) {
    case 'field': {
      const meta = SEGMENT_FIELD_META[rule.field];
      const tail = rule.op === 'within_days' ? ' days' : rule.op === 'more_than_days_ago' ? ' days ago' : '';
      const op = SEGMENT_OP_LABELS[rule.op].replace(' (days) ago', '').replace(' (days)', '');
      return `${meta.label.toLowerCase()} ${op}${describeValue(meta.type, rule.op, rule.value)}${tail}`;
    }
    case 'custom_field':
      return `custom field ${rule.key} ${SEGMENT_OP_LABELS[rule.op]}${describeValue('text', rule.op, rule.value)}`;
    case 'tag':
      return `${rule.has ? 'tagged' : 'not tagged'} ${orList(rule.tags.map(quote))}`;
    case 'community': {
      const communities = orList(rule.communityIds.map((id) => nameOf(names.communities, id)));
      const roles = rule.roles?.length ? ` as ${orList(rule.roles)}` : '';
      const descendants = rule.includeDescendants ? ' (or a community within it)' : '';
      return `${rule.in ? 'in' : 'not in'} ${communities}${descendants}${roles}`;
    }
    case 'activity': {
      const verbs = rule.types.map((t) => ACTIVITY_LABELS[t][rule.did ? 'past' : 'base']);
      const action =
        rule.actionId !== undefined
          ? ` ${nameOf(names.actions, rule.actionId)}`
          : rule.excludeActionId !== undefined
            ? ` any action other than ${nameOf(names.actions, rule.excludeActionId)}`
            : '';
      const community = rule.communityId !== undefined ? ` in ${nameOf(names.communities, rule.communityId)}` : '';
      const count = rule.count
        ? ` ${rule.count.op === 'gte' ? 'at least' : rule.count.op === 'lte' ? 'at most' : 'exactly'} ${rule.count.n} time${rule.count.n === 1 ? '' : 's'}`
        : '';
      return `${rule.did ? '' : 'did not '}${orList(verbs)}${action}${community}${count}${describeWhen(rule.when)}`;
    }
    case 'message': {
      const verb = MESSAGE_EVENT_LABELS[rule.event][rule.did ? 'past' : 'base'];
      const broadcast = rule.broadcastId !== undefined ? ` from broadcast ${nameOf(names.broadcasts, rule.broadcastId)}` : '';
      return `${rule.did ? '' : 'did not '}${verb}${broadcast}${describeWhen(rule.when)}`;
    }
  }
}

/**
 * A rule tree in one English sentence, e.g. `in Climate – Austin and signed Stop the pipeline and did not sign, call or
 * RSVP any action other than Stop the pipeline since 2026-12-01 and engagement score is at least 50`.
 * Groups inside groups are put in parentheses.
 */
export function describeRule(rule: SegmentRule, names: SegmentNames = {}, nested = false): string {
  if (rule.kind !== 'group') return describeCondition(rule, names);
  if (rule.rules.length === 0) return rule.not ? 'not (nothing)' : 'everyone';
  const joined = rule.rules.map((r) => describeRule(r, names, true)).join(rule.op === 'and' ? ' and ' : ' or ');
  const wrapped = nested && rule.rules.length > 1 ? `(${joined})` : joined;
  return rule.not ? `not ${rule.rules.length > 1 && !nested ? `(${joined})` : wrapped}` : wrapped;
}
