import { z } from 'zod';
import { ACTIVITY_TYPES } from './activities.ts';
import { keywordProblem } from './keywords.ts';
import { segmentRule } from './segments.ts';

/**
 * Workflows (DESIGN.md §3, STYLE.md §9): a versioned JSON definition of a trigger, enrollment rules and a graph of
 * steps. The server validates and runs it; the dashboard's builder renders and edits it from the metadata here (labels,
 * fields per step kind, the exits of each step), so the two never disagree. Durations are seconds, times are epoch
 * milliseconds, a time of day is "HH:MM" in the member's time zone.
 */

// ── Vocabulary ──────────────────────────────────────────────────────────────────────────────────────────────────────

export const WORKFLOW_STATUSES = ['draft', 'active', 'paused', 'archived'] as const;
export type WorkflowStatus = (typeof WORKFLOW_STATUSES)[number];

export const RUN_STATUSES = ['active', 'waiting', 'completed', 'exited', 'held_out'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const ENROLLMENT_RULES = ['once', 'every_time', 'not_while_active'] as const;
export type EnrollmentRule = (typeof ENROLLMENT_RULES)[number];
export const ENROLLMENT_LABELS: Record<EnrollmentRule, { label: string; hint: string }> = {
  once: { label: 'Once per member', hint: 'A member who was ever enrolled is never enrolled again' },
  every_time: { label: 'Every time', hint: 'Each trigger starts a new run, even while another is under way' },
  not_while_active: { label: 'Again, but not while in it', hint: 'A member may re-enter after their run has ended' },
};

/** Activities that count as taking part in an action ("took an action": any of these, or a specific one). */
export const ACTION_ACTIVITY_TYPES = ['signed', 'called', 'rsvped', 'attended', 'answered', 'shared', 'posted'] as const;
/** @public For the dashboard's workflow builder. */
export type ActionActivityType = (typeof ACTION_ACTIVITY_TYPES)[number];

/** Why a run ended before its last step (goal_reached ends it as completed; 'failed': a step kept failing). */
export const EXIT_REASONS = ['opted_out', 'goal_reached', 'workflow_archived', 'member_deleted', 'failed'] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

/** A step id: stable across edits, so stats and runs keep pointing at the same step. */
export const STEP_ID_PATTERN = /^[A-Za-z0-9_-]{1,40}$/;
export const MAX_WORKFLOW_STEPS = 200;
export const MAX_WAIT_SECONDS = 366 * 24 * 3600;
export const TIME_OF_DAY_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;

const id = z.number().int().positive();
const stepId = z.string().regex(STEP_ID_PATTERN, 'must be 1 to 40 letters, digits, _ or -');
const nextId = stepId.optional();
const epochMs = z.number().int().min(0);
const template = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
const tag = z.string().trim().min(1).max(50);

// ── Conditions (condition steps and goals) ──────────────────────────────────────────────────────────────────────────

export const CONDITION_KINDS = ['has_tag', 'in_community', 'did_activity', 'segment'] as const;
export type ConditionKind = (typeof CONDITION_KINDS)[number];

export const workflowCondition = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('has_tag'), tag }),
  z.object({ kind: z.literal('in_community'), communityId: id }),
  z.object({
    kind: z.literal('did_activity'),
    types: z.array(z.enum(ACTIVITY_TYPES)).min(1).max(ACTIVITY_TYPES.length),
    actionId: id.optional(),
    /** Within the last N days; none = ever. */
    withinDays: z.number().int().min(1).max(3650).optional(),
  }),
  /** A segment rule tree (common/segments.ts) matched against the one member. */
  z.object({ kind: z.literal('segment'), rule: segmentRule }),
]);
export type WorkflowCondition = z.infer<typeof workflowCondition>;

export const CONDITION_LABELS: Record<ConditionKind, string> = {
  has_tag: 'Has tag',
  in_community: 'Is in community',
  did_activity: 'Did something (activity)',
  segment: 'Matches segment rules',
};

/**
 * The goal: the member does one of these activities (e.g. any action, a specific action) within N days of enrolling.
 * A run whose member reaches it ends as completed; held-out members are checked against it over the same window.
 */
export const workflowGoal = z.object({
  types: z.array(z.enum(ACTIVITY_TYPES)).min(1).max(ACTIVITY_TYPES.length),
  actionId: id.optional(),
  withinDays: z.number().int().min(1).max(365),
});
export type WorkflowGoal = z.infer<typeof workflowGoal>;

// ── Triggers ────────────────────────────────────────────────────────────────────────────────────────────────────────

export const TRIGGER_KINDS = [
  'joined_community',
  'took_action',
  'replied',
  'keyword',
  'entered_segment',
  'date_field',
  'event',
  'manual',
  'inbound_webhook',
] as const;
export type TriggerKind = (typeof TRIGGER_KINDS)[number];

export const DATE_FIELDS = ['birthday', 'join_anniversary'] as const;
/** @public For the dashboard's workflow builder. */
export type DateField = (typeof DATE_FIELDS)[number];

export const workflowTrigger = z.discriminatedUnion('kind', [
  /** Joined any community, or this one. */
  z.object({ kind: z.literal('joined_community'), communityId: id.optional() }),
  /** Took part in any action (types narrows it, e.g. only signed), or in this one action. */
  z.object({
    kind: z.literal('took_action'),
    types: z.array(z.enum(ACTION_ACTIVITY_TYPES)).min(1).max(ACTION_ACTIVITY_TYPES.length).optional(),
    actionId: id.optional(),
  }),
  /** Replied to any text. */
  z.object({ kind: z.literal('replied') }),
  /** Texted a message whose first word is the keyword. */
  z.object({
    kind: z.literal('keyword'),
    keyword: z.string().superRefine((value, ctx) => {
      const problem = keywordProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  }),
  /** Newly matches a saved segment (checked periodically). */
  z.object({ kind: z.literal('entered_segment'), segmentId: id }),
  /** Birthday (custom field `birthday`, MM-DD) or the anniversary of joining, at a time of day in the member's zone. */
  z.object({
    kind: z.literal('date_field'),
    field: z.enum(DATE_FIELDS),
    time: z.string().regex(TIME_OF_DAY_PATTERN, 'must be a time of day, HH:MM').optional(),
  }),
  /** Hours before or after the start of the shift a member RSVPed to, for an event action. */
  z.object({
    kind: z.literal('event'),
    actionId: id,
    when: z.enum(['before', 'after']),
    hours: z
      .number()
      .int()
      .min(0)
      .max(24 * 60),
  }),
  /** Staff enroll members (by id or a saved segment). */
  z.object({ kind: z.literal('manual') }),
  /** Another system posts {phone} or {email} to the workflow's secret URL. */
  z.object({ kind: z.literal('inbound_webhook') }),
]);
export type WorkflowTrigger = z.infer<typeof workflowTrigger>;

// ── Steps ───────────────────────────────────────────────────────────────────────────────────────────────────────────

export const STEP_KINDS = [
  'send_sms',
  'send_email',
  'wait',
  'wait_for_reply',
  'condition',
  'random_split',
  'add_tag',
  'remove_tag',
  'join_community',
  'leave_community',
  'award_points',
  'notify_staff',
  'webhook',
  'goal',
] as const;
export type StepKind = (typeof STEP_KINDS)[number];

/** The builder may place a step; the engine ignores it. */
const ui = z.object({ x: z.number(), y: z.number() }).optional();
const base = { id: stepId, label: z.string().trim().max(80).optional(), ui };

export const waitUntil = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('duration'), seconds: z.number().int().min(0).max(MAX_WAIT_SECONDS) }),
  /** The next time the member's clock shows this time (today if still ahead, else tomorrow). */
  z.object({ kind: z.literal('time_of_day'), time: z.string().regex(TIME_OF_DAY_PATTERN, 'must be a time of day, HH:MM') }),
  /** A fixed moment; a run that gets here later goes straight on. */
  z.object({ kind: z.literal('until_date'), at: epochMs }),
]);
export type WaitUntil = z.infer<typeof waitUntil>;

/** How a reply is read: yes / no, one of the choices (1, A, the words…) or anything at all. */
export const REPLY_KINDS = ['yes_no', 'choice', 'any'] as const;
export type ReplyKind = (typeof REPLY_KINDS)[number];
const choiceKey = z.string().regex(/^[a-z0-9_]{1,20}$/, 'must be 1 to 20 lower-case letters, digits or _');

const sendSmsStep = z.object({
  ...base,
  kind: z.literal('send_sms'),
  /** Liquid template: {{ member.first_name }}, {{ member.custom.<key> }}, {{ workspace.name }}. */
  body: template(1600),
  next: nextId,
});
const sendEmailStep = z.object({ ...base, kind: z.literal('send_email'), subject: template(200), body: template(20_000), next: nextId });
const waitStep = z.object({ ...base, kind: z.literal('wait'), until: waitUntil, next: nextId });
const waitForReplyStep = z
  .object({
    ...base,
    kind: z.literal('wait_for_reply'),
    reply: z.enum(REPLY_KINDS),
    /** For `choice`: the options the member may answer with (by number, letter or words). */
    choices: z
      .array(z.object({ key: choiceKey, label: z.string().trim().min(1).max(100) }))
      .max(20)
      .optional(),
    /** Where each answer goes: 'yes' / 'no', a choice key, or 'any' for `any`. */
    branches: z.array(z.object({ answer: choiceKey, next: nextId })).max(20),
    /** A reply that is none of the answers (it goes on to the inbox too). */
    other: nextId,
    timeoutSeconds: z.number().int().min(60).max(MAX_WAIT_SECONDS),
    timeout: nextId,
  })
  .superRefine((step, ctx) => {
    const allowed = step.reply === 'yes_no' ? ['yes', 'no'] : step.reply === 'any' ? ['any'] : (step.choices ?? []).map((c) => c.key);
    if (step.reply === 'choice' && (step.choices?.length ?? 0) < 2) {
      ctx.addIssue({ code: 'custom', path: ['choices'], message: 'needs at least 2 choices' });
    }
    if (step.reply === 'choice') {
      const keys = (step.choices ?? []).map((c) => c.key);
      keys.forEach((key, i) => {
        if (keys.indexOf(key) !== i) ctx.addIssue({ code: 'custom', path: ['choices', i, 'key'], message: `"${key}" is used twice` });
      });
    }
    const seen = new Set<string>();
    step.branches.forEach((branch, i) => {
      if (!allowed.includes(branch.answer)) {
        ctx.addIssue({
          code: 'custom',
          path: ['branches', i, 'answer'],
          message: `must be one of ${allowed.join(', ') || '(no choices)'}`,
        });
      }
      if (seen.has(branch.answer)) ctx.addIssue({ code: 'custom', path: ['branches', i, 'answer'], message: 'has two branches' });
      seen.add(branch.answer);
    });
  });
const conditionStep = z.object({
  ...base,
  kind: z.literal('condition'),
  condition: workflowCondition,
  /** Where members who match go, and where the others go. */
  yes: nextId,
  no: nextId,
});
const randomSplitStep = z.object({
  ...base,
  kind: z.literal('random_split'),
  branches: z
    .array(z.object({ weight: z.number().int().min(1).max(100), next: nextId }))
    .min(2)
    .max(10),
});
const tagStep = <K extends 'add_tag' | 'remove_tag'>(kind: K) => z.object({ ...base, kind: z.literal(kind), tag, next: nextId });
const communityStep = <K extends 'join_community' | 'leave_community'>(kind: K) =>
  z.object({ ...base, kind: z.literal(kind), communityId: id, next: nextId });
const awardPointsStep = z.object({ ...base, kind: z.literal('award_points'), points: z.number().int().min(1).max(10_000), next: nextId });
const notifyStaffStep = z.object({
  ...base,
  kind: z.literal('notify_staff'),
  /** Liquid template, like an SMS body. */
  message: template(1000),
  /** Also emailed here (through the workspace's email channel), when set. */
  email: z.email().optional(),
  next: nextId,
});
const webhookStep = z.object({
  ...base,
  kind: z.literal('webhook'),
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000),
  next: nextId,
});
/** Ends the run as completed if the workflow's goal is reached; else goes on. */
const goalStep = z.object({ ...base, kind: z.literal('goal'), next: nextId });

export const workflowStep = z.discriminatedUnion('kind', [
  sendSmsStep,
  sendEmailStep,
  waitStep,
  waitForReplyStep,
  conditionStep,
  randomSplitStep,
  tagStep('add_tag'),
  tagStep('remove_tag'),
  communityStep('join_community'),
  communityStep('leave_community'),
  awardPointsStep,
  notifyStaffStep,
  webhookStep,
  goalStep,
]);
export type WorkflowStep = z.infer<typeof workflowStep>;
export type StepOf<K extends StepKind> = Extract<WorkflowStep, { kind: K }>;

/** Steps after which a run pauses for time to pass: a cycle must go through one of these. */
export const WAITING_STEP_KINDS: readonly StepKind[] = ['wait', 'wait_for_reply'];

/** Where a step can go next, each with the label of the way out (the builder draws one edge per exit). */
export type StepExit = { key: string; label: string; next: string | undefined };
export function stepExits(step: WorkflowStep): StepExit[] {
  switch (step.kind) {
    case 'wait_for_reply':
      return [
        ...step.branches.map((b) => ({ key: `answer:${b.answer}`, label: answerLabel(step, b.answer), next: b.next })),
        { key: 'other', label: 'Other reply', next: step.other },
        { key: 'timeout', label: 'No reply', next: step.timeout },
      ];
    case 'condition':
      return [
        { key: 'yes', label: 'Yes', next: step.yes },
        { key: 'no', label: 'No', next: step.no },
      ];
    case 'random_split': {
      const total = step.branches.reduce((n, b) => n + b.weight, 0);
      return step.branches.map((b, i) => ({ key: `split:${i}`, label: `${Math.round((b.weight / total) * 100)}%`, next: b.next }));
    }
    default:
      return [{ key: 'next', label: 'Next', next: step.next }];
  }
}

function answerLabel(step: StepOf<'wait_for_reply'>, answer: string): string {
  if (answer === 'yes') return 'Yes';
  if (answer === 'no') return 'No';
  if (answer === 'any') return 'Any reply';
  return step.choices?.find((c) => c.key === answer)?.label ?? answer;
}

// ── Links to actions in texts ───────────────────────────────────────────────────────────────────────────────────────

/**
 * `{{ links.action_12 }}` in an SMS step's body becomes the member's own short link to action 12's public page (made
 * when the text is sent, tracked like a broadcast's links), which opens prefilled for them. Only this exact form is
 * read: no filters, spaces inside the braces allowed.
 */
export const ACTION_LINK_PATTERN = /\{\{-?\s*links\.action_(\d{1,12})\s*-?\}\}/g;

/** The variable an SMS body uses for the member's link to an action. */
export function actionLinkVariable(actionId: number): string {
  return `{{ links.action_${actionId} }}`;
}

/** The actions an SMS body links to, each once, in order of appearance. */
export function actionLinkIds(source: string): number[] {
  return [...new Set([...source.matchAll(ACTION_LINK_PATTERN)].map((m) => Number(m[1])))];
}

// ── The definition ──────────────────────────────────────────────────────────────────────────────────────────────────

export type WorkflowDefinition = {
  trigger: WorkflowTrigger;
  enrollment: EnrollmentRule;
  /** The first step is where runs start. */
  steps: WorkflowStep[];
  goal?: WorkflowGoal | undefined;
  /** A share of enrolled members (0–50 %) that get no steps, to measure the workflow against. */
  holdoutPercent?: number | undefined;
};

/** Graph problems, each with the path of the field to fix. */
export function definitionProblems(def: Pick<WorkflowDefinition, 'steps' | 'goal'>): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  const index = new Map<string, number>();
  def.steps.forEach((step, i) => {
    if (index.has(step.id))
      problems.push({ path: ['steps', i, 'id'], message: `"${step.id}" is already the id of step ${(index.get(step.id) ?? 0) + 1}` });
    else index.set(step.id, i);
  });
  const edges = new Map<string, string[]>();
  def.steps.forEach((step, i) => {
    const targets: string[] = [];
    for (const exit of stepExits(step)) {
      if (exit.next === undefined) continue;
      if (!index.has(exit.next))
        problems.push({ path: ['steps', i, ...exitPath(step, exit.key)], message: `no step has the id "${exit.next}"` });
      else targets.push(exit.next);
    }
    if (!edges.has(step.id)) edges.set(step.id, targets);
    if (step.kind === 'goal' && !def.goal)
      problems.push({ path: ['steps', i, 'kind'], message: 'a goal step needs the workflow to have a goal' });
  });
  if (problems.length > 0 || def.steps.length === 0) return problems;

  // Unreachable steps: not reachable from the first.
  const first = def.steps[0] as WorkflowStep;
  const reached = new Set<string>([first.id]);
  const queue = [first.id];
  while (queue.length > 0) {
    for (const to of edges.get(queue.shift() as string) ?? []) {
      if (!reached.has(to)) {
        reached.add(to);
        queue.push(to);
      }
    }
  }
  def.steps.forEach((step, i) => {
    if (!reached.has(step.id))
      problems.push({ path: ['steps', i, 'id'], message: `step "${step.id}" cannot be reached from the first step` });
  });

  // A cycle through steps that never wait would run forever in one go: look for one among the non-waiting steps.
  const waits = new Set(def.steps.filter((s) => WAITING_STEP_KINDS.includes(s.kind)).map((s) => s.id));
  const state = new Map<string, 'open' | 'done'>();
  const visit = (node: string): string | null => {
    state.set(node, 'open');
    for (const to of edges.get(node) ?? []) {
      if (waits.has(to)) continue;
      const s = state.get(to);
      if (s === 'open') return to;
      if (s === undefined) {
        const found = visit(to);
        if (found) return found;
      }
    }
    state.set(node, 'done');
    return null;
  };
  for (const step of def.steps) {
    if (waits.has(step.id) || state.has(step.id)) continue;
    const found = visit(step.id);
    if (found) {
      problems.push({ path: ['steps', index.get(found) as number, 'id'], message: `step "${found}" is in a loop with no wait in it` });
      break;
    }
  }
  return problems;
}

function exitPath(step: WorkflowStep, key: string): (string | number)[] {
  if (key.startsWith('answer:') && step.kind === 'wait_for_reply') {
    return ['branches', step.branches.findIndex((b) => `answer:${b.answer}` === key), 'next'];
  }
  if (key.startsWith('split:')) return ['branches', Number(key.slice(6)), 'next'];
  return [key];
}

export const workflowDefinition: z.ZodType<WorkflowDefinition> = z
  .object({
    trigger: workflowTrigger,
    enrollment: z.enum(ENROLLMENT_RULES),
    steps: z.array(workflowStep).min(1, 'a workflow needs at least one step').max(MAX_WORKFLOW_STEPS),
    goal: workflowGoal.optional(),
    holdoutPercent: z.number().int().min(0).max(50).optional(),
  })
  .superRefine((def, ctx) => {
    for (const problem of definitionProblems(def)) ctx.addIssue({ code: 'custom', path: problem.path, message: problem.message });
  });

// ── The builder's palette ───────────────────────────────────────────────────────────────────────────────────────────

/** What an input edits: the builder picks a control from this. */
export type WorkflowFieldType =
  | 'text'
  | 'template'
  | 'number'
  | 'seconds'
  | 'time_of_day'
  | 'date'
  | 'email'
  | 'url'
  | 'tag'
  | 'community'
  | 'action'
  | 'segment'
  | 'keyword'
  | 'activity_types'
  | 'action_types'
  | 'choices'
  | 'condition'
  | 'wait_until'
  | 'reply_kind'
  | 'enum';

export type WorkflowFieldMeta = {
  key: string;
  label: string;
  type: WorkflowFieldType;
  required: boolean;
  hint?: string;
  /** For enum fields. */
  options?: readonly { value: string; label: string }[];
  /** For action fields: the kinds of action to choose from (none: any). */
  actionTypes?: readonly ('petition' | 'call' | 'event' | 'survey' | 'share' | 'story')[];
};

export type StepGroup = 'message' | 'timing' | 'logic' | 'member' | 'integration';

export type StepKindMeta = {
  label: string;
  description: string;
  group: StepGroup;
  fields: readonly WorkflowFieldMeta[];
  /** 'next': one way out; 'branches': the exits come from stepExits(). */
  exits: 'next' | 'branches';
  /** Sends something to the member (the builder warns about consent and quiet hours). */
  sends?: boolean;
};

const TEMPLATE_HINT = 'Liquid: {{ member.first_name }}, {{ member.custom.key }}, {{ workspace.name }}';
const SMS_TEMPLATE_HINT = `${TEMPLATE_HINT}; {{ links.action_12 }}: the member's own short link to action 12`;

export const STEP_KIND_META: Record<StepKind, StepKindMeta> = {
  send_sms: {
    label: 'Send SMS',
    description: 'Text the member (only with SMS consent; quiet hours and the frequency cap apply)',
    group: 'message',
    exits: 'next',
    sends: true,
    fields: [{ key: 'body', label: 'Message', type: 'template', required: true, hint: SMS_TEMPLATE_HINT }],
  },
  send_email: {
    label: 'Send email',
    description: 'Email the member through the workspace email channel',
    group: 'message',
    exits: 'next',
    sends: true,
    fields: [
      { key: 'subject', label: 'Subject', type: 'template', required: true },
      { key: 'body', label: 'Body', type: 'template', required: true, hint: TEMPLATE_HINT },
    ],
  },
  wait: {
    label: 'Wait',
    description: 'Pause for a while, until a time of day in the member’s time zone, or until a date',
    group: 'timing',
    exits: 'next',
    fields: [{ key: 'until', label: 'Wait', type: 'wait_until', required: true }],
  },
  wait_for_reply: {
    label: 'Wait for a reply',
    description: 'Branch on the member’s answer, or go another way if they do not answer in time',
    group: 'timing',
    exits: 'branches',
    fields: [
      { key: 'reply', label: 'Answer kind', type: 'reply_kind', required: true },
      { key: 'choices', label: 'Choices', type: 'choices', required: false, hint: 'For a choice: members may answer 1, A or the words' },
      { key: 'timeoutSeconds', label: 'Give up after', type: 'seconds', required: true },
    ],
  },
  condition: {
    label: 'Condition',
    description: 'Go one way if the member matches, another if not',
    group: 'logic',
    exits: 'branches',
    fields: [{ key: 'condition', label: 'If the member', type: 'condition', required: true }],
  },
  random_split: {
    label: 'Random split',
    description: 'Send members down paths at random, by weight (A/B tests)',
    group: 'logic',
    exits: 'branches',
    fields: [],
  },
  add_tag: {
    label: 'Add tag',
    description: 'Tag the member',
    group: 'member',
    exits: 'next',
    fields: [{ key: 'tag', label: 'Tag', type: 'tag', required: true }],
  },
  remove_tag: {
    label: 'Remove tag',
    description: 'Remove a tag from the member',
    group: 'member',
    exits: 'next',
    fields: [{ key: 'tag', label: 'Tag', type: 'tag', required: true }],
  },
  join_community: {
    label: 'Add to community',
    description: 'Make the member part of a community',
    group: 'member',
    exits: 'next',
    fields: [{ key: 'communityId', label: 'Community', type: 'community', required: true }],
  },
  leave_community: {
    label: 'Remove from community',
    description: 'Take the member out of a community',
    group: 'member',
    exits: 'next',
    fields: [{ key: 'communityId', label: 'Community', type: 'community', required: true }],
  },
  award_points: {
    label: 'Award points',
    description: 'Give the member points (recorded on their timeline)',
    group: 'member',
    exits: 'next',
    fields: [{ key: 'points', label: 'Points', type: 'number', required: true }],
  },
  notify_staff: {
    label: 'Notify staff',
    description: 'Leave a notification for staff, and optionally email someone',
    group: 'integration',
    exits: 'next',
    fields: [
      { key: 'message', label: 'Notification', type: 'template', required: true, hint: TEMPLATE_HINT },
      { key: 'email', label: 'Also email', type: 'email', required: false },
    ],
  },
  webhook: {
    label: 'Call a webhook',
    description: 'POST the member and run as JSON, signed with the workflow’s secret (X-Groundswell-Signature)',
    group: 'integration',
    exits: 'next',
    fields: [{ key: 'url', label: 'URL', type: 'url', required: true }],
  },
  goal: {
    label: 'Goal check',
    description: 'End the run here as completed if the member reached the goal; else go on',
    group: 'logic',
    exits: 'next',
    fields: [],
  },
};

export const STEP_GROUP_LABELS: Record<StepGroup, string> = {
  message: 'Messages',
  timing: 'Timing',
  logic: 'Logic',
  member: 'Member',
  integration: 'Staff and integrations',
};

export type TriggerKindMeta = { label: string; description: string; fields: readonly WorkflowFieldMeta[] };

export const TRIGGER_KIND_META: Record<TriggerKind, TriggerKindMeta> = {
  joined_community: {
    label: 'Joined a community',
    description: 'When a member joins any community, or the one chosen',
    fields: [{ key: 'communityId', label: 'Community', type: 'community', required: false, hint: 'Empty: any community' }],
  },
  took_action: {
    label: 'Took an action',
    description: 'When a member signs, calls, RSVPs, answers, shares or posts (any action, or the one chosen)',
    fields: [
      { key: 'types', label: 'Kinds of taking part', type: 'action_types', required: false, hint: 'Empty: any' },
      { key: 'actionId', label: 'Action', type: 'action', required: false, hint: 'Empty: any action' },
    ],
  },
  replied: { label: 'Replied', description: 'When a member texts back', fields: [] },
  keyword: {
    label: 'Texted a keyword',
    description: 'When a member texts a message starting with the keyword',
    fields: [{ key: 'keyword', label: 'Keyword', type: 'keyword', required: true }],
  },
  entered_segment: {
    label: 'Entered a segment',
    description: 'When a member newly matches a saved segment (checked every few minutes)',
    fields: [{ key: 'segmentId', label: 'Segment', type: 'segment', required: true }],
  },
  date_field: {
    label: 'Date',
    description: 'On a member’s birthday (custom field birthday, MM-DD) or the anniversary of joining',
    fields: [
      {
        key: 'field',
        label: 'Date',
        type: 'enum',
        required: true,
        options: [
          { value: 'birthday', label: 'Birthday' },
          { value: 'join_anniversary', label: 'Anniversary of joining' },
        ],
      },
      { key: 'time', label: 'At', type: 'time_of_day', required: false, hint: 'In the member’s time zone; default 10:00' },
    ],
  },
  event: {
    label: 'Event',
    description: 'Some hours before or after the start of the shift a member RSVPed to',
    fields: [
      { key: 'actionId', label: 'Event', type: 'action', required: true, actionTypes: ['event'] },
      {
        key: 'when',
        label: 'When',
        type: 'enum',
        required: true,
        options: [
          { value: 'before', label: 'Before the start' },
          { value: 'after', label: 'After the start' },
        ],
      },
      { key: 'hours', label: 'Hours', type: 'number', required: true },
    ],
  },
  manual: { label: 'Manual', description: 'Staff enroll members by hand or from a segment', fields: [] },
  inbound_webhook: {
    label: 'Inbound webhook',
    description: 'Another system posts {"phone"} or {"email"} to the workflow’s secret URL',
    fields: [],
  },
};

export const RUN_STATUS_LABELS: Record<RunStatus, string> = {
  active: 'Running',
  waiting: 'Waiting',
  completed: 'Completed',
  exited: 'Exited',
  held_out: 'Held out',
};

export const WORKFLOW_STATUS_LABELS: Record<WorkflowStatus, string> = {
  draft: 'Draft',
  active: 'Active',
  paused: 'Paused',
  archived: 'Archived',
};

/** A fresh step of a kind as the builder adds it (valid except where the organizer must choose, e.g. a community). */
export function defaultStep(kind: StepKind, stepIdValue: string): WorkflowStep {
  const b = { id: stepIdValue };
  switch (kind) {
    case 'send_sms':
      return { ...b, kind, body: 'Hi {{ member.first_name }}!' };
    case 'send_email':
      return { ...b, kind, subject: 'Hello from {{ workspace.name }}', body: 'Hi {{ member.first_name }},' };
    case 'wait':
      return { ...b, kind, until: { kind: 'duration', seconds: 86_400 } };
    case 'wait_for_reply':
      return { ...b, kind, reply: 'yes_no', branches: [], timeoutSeconds: 86_400 };
    case 'condition':
      return { ...b, kind, condition: { kind: 'has_tag', tag: 'volunteer' } };
    case 'random_split':
      return { ...b, kind, branches: [{ weight: 50 }, { weight: 50 }] };
    case 'add_tag':
    case 'remove_tag':
      return { ...b, kind, tag: 'tag' };
    case 'join_community':
    case 'leave_community':
      return { ...b, kind, communityId: 0 };
    case 'award_points':
      return { ...b, kind, points: 10 };
    case 'notify_staff':
      return { ...b, kind, message: '{{ member.first_name }} needs a follow-up' };
    case 'webhook':
      return { ...b, kind, url: 'https://example.org/hook' };
    case 'goal':
      return { ...b, kind };
  }
}
