import { z } from 'zod';
import type { SegmentRule } from './segments.ts';
import {
  ACTION_ACTIVITY_TYPES,
  actionLinkIds,
  actionLinkVariable,
  TIME_OF_DAY_PATTERN,
  type WorkflowDefinition,
  type WorkflowFieldMeta,
  type WorkflowStep,
} from './workflows.ts';

/**
 * Playbooks: ready-to-use workflows (issue 7). Each is a name, a description and a few parameters (the petition, the
 * community, the wording of the texts…); `buildPlaybook` turns them into an ordinary workflow definition that the
 * organizer gets as a draft, to read, change in the builder, and publish. The server checks the ids against the
 * workspace; everything here is pure, shared by the server and the dashboard.
 *
 * Texts are Liquid templates like any SMS step's (with good defaults the organizer may override). Where a text leads to
 * an action, the member's own link to it (`{{ links.action_<id> }}`) is added at its end.
 */

export const PLAYBOOK_KEYS = [
  'welcome_series',
  'petition_call_ladder',
  'event_loop',
  're_engagement',
  'action_milestone',
  'join_anniversary',
  'mentor_introduction',
] as const;
export type PlaybookKey = (typeof PLAYBOOK_KEYS)[number];

/** A parameter as the dashboard's form shows it: a workflow field plus its default and bounds. */
export type PlaybookParamMeta = WorkflowFieldMeta & {
  /** Used when the parameter is left out (or sent empty). */
  default?: string | number;
  /** For number fields. */
  min?: number;
  max?: number;
};

export type PlaybookMeta = {
  key: PlaybookKey;
  name: string;
  description: string;
  params: readonly PlaybookParamMeta[];
};

/** Parameter values after checking: ids and numbers as numbers, texts as strings, defaults filled in. */
export type PlaybookParams = Record<string, string | number | undefined>;

/** Names of the ids in the parameters (the server looks them up), for the workflow's name and description. */
export type PlaybookNames = { actions?: Record<number, string>; communities?: Record<number, string>; segments?: Record<number, string> };

export type BuiltPlaybook = { name: string; description: string; definition: WorkflowDefinition };

const HOUR = 3_600;
const DAY = 24 * HOUR;
/** Longest text parameter (an SMS step takes 1,600 characters; the link and the first-text footer come on top). */
const MAX_TEXT = 1_000;
const FRIEND = '{{ member.first_name | default: "friend" }}';
const THERE = '{{ member.first_name | default: "there" }}';

// ── Parameters shared by several playbooks ──────────────────────────────────────────────────────────────────────────

const holdout = (fallback: number): PlaybookParamMeta => ({
  key: 'holdoutPercent',
  label: 'Holdout (%)',
  type: 'number',
  required: false,
  default: fallback,
  min: 0,
  max: 50,
  hint: 'A share of members (0–50%) who get no texts, so the report can show what the workflow changed',
});

const text = (key: string, label: string, fallback: string, hint?: string): PlaybookParamMeta => ({
  key,
  label,
  type: 'template',
  required: false,
  default: fallback,
  ...(hint ? { hint } : {}),
});

const LINK_HINT = 'The member’s own link to the action is added at the end (or where the text says {{ links.action_<id> }})';

// ── The catalogue ───────────────────────────────────────────────────────────────────────────────────────────────────

export const PLAYBOOKS: readonly PlaybookMeta[] = [
  {
    key: 'welcome_series',
    name: 'Welcome series',
    description:
      'Welcomes a new community member the next day, asks what brought them, thanks them for answering, and two days later offers a first action. Goal: any action within 14 days.',
    params: [
      { key: 'communityId', label: 'Community', type: 'community', required: false, hint: 'Empty: members joining any community' },
      {
        key: 'firstActionId',
        label: 'First action',
        type: 'action',
        required: false,
        hint: 'The first thing to ask of new members (a petition, an event…). Empty: no ask',
      },
      holdout(0),
      text(
        'welcomeText',
        'Welcome text',
        `Hi ${THERE}, welcome! We are so glad you joined. What brought you to us? Reply with a word or two.`,
      ),
      text('replyText', 'Thanks for answering', 'Thank you for telling us! We will keep that in mind.'),
      text('actionText', 'First action ask', 'Ready for a first step? It takes one minute:', LINK_HINT),
    ],
  },
  {
    key: 'petition_call_ladder',
    name: 'Petition → call ladder',
    description:
      'Asks petition signers to call their representative: YES gets the call page, NO gets a thank-you, no answer in 2 days gets one reminder. Those who said YES and have not called a day later get a nudge. Goal: a call within 14 days.',
    params: [
      {
        key: 'petitionId',
        label: 'Petition',
        type: 'action',
        required: true,
        actionTypes: ['petition'],
        hint: 'Everyone who signs it from now on is asked (unless a segment is chosen)',
      },
      { key: 'callId', label: 'Call page', type: 'action', required: true, actionTypes: ['call'] },
      {
        key: 'segmentId',
        label: 'Segment',
        type: 'segment',
        required: false,
        hint: 'Instead of new signers: the workflow starts by hand and you enroll this segment, e.g. “signed the petition, no other action since”',
      },
      holdout(10),
      text('askText', 'Ask', `Thanks for signing, ${FRIEND}! Will you take 2 minutes to call your representative too? Reply YES or NO`),
      text('callText', 'After YES', 'Thank you! Here is your call page, with the number and a short script:', LINK_HINT),
      text('declinedText', 'After NO', 'No problem, and thank you for signing! We will be in touch about other ways to help.'),
      text(
        'reminderText',
        'Reminder (no answer in 2 days)',
        'Still have 2 minutes? A call to your representative counts more than anything. Here is your call page:',
        LINK_HINT,
      ),
      text(
        'nudgeText',
        'Nudge (said YES, no call a day later)',
        'Did you get a chance to call? Every call is counted. Your call page:',
        LINK_HINT,
      ),
    ],
  },
  {
    key: 'event_loop',
    name: 'Event confirm, remind, feedback',
    description:
      'Before an event, reminds each member who RSVPed and asks if they can still make it (NO frees their spot: staff are told); after it, asks how it went and tells staff about lukewarm answers. Goal: attended (checked in) the event.',
    params: [
      { key: 'eventId', label: 'Event', type: 'action', required: true, actionTypes: ['event'] },
      { key: 'reminderHours', label: 'Remind (hours before)', type: 'number', required: false, default: 24, min: 1, max: 168 },
      {
        key: 'feedbackHours',
        label: 'Ask for feedback (hours after the start)',
        type: 'number',
        required: false,
        default: 3,
        min: 1,
        max: 72,
      },
      holdout(0),
      text(
        'confirmText',
        'Reminder',
        `Hi ${THERE}, a reminder about the event you signed up for. Can you still make it? Reply YES or NO. Details:`,
        LINK_HINT,
      ),
      text('yesText', 'After YES', 'Great, see you there!'),
      text('noText', 'After NO', 'Thanks for letting us know. We will keep you posted about the next one.'),
      text(
        'feedbackText',
        'Feedback question',
        'Thank you for being part of it! How was it? Reply 1 for great, 2 for OK, 3 for not great, or tell us in a few words.',
      ),
      text('thanksText', 'Thanks for the feedback', 'Thank you, that helps us make the next one better.'),
    ],
  },
  {
    key: 're_engagement',
    name: 'Re-engagement',
    description:
      'When a member has been inactive for 60 days (a segment), asks what they would like to hear about, tags their answer and offers one quick action; members who do not answer are tagged dormant. Goal: any action within 30 days.',
    params: [
      {
        key: 'segmentId',
        label: 'Segment',
        type: 'segment',
        required: false,
        hint: 'Empty: a segment “Inactive for N days” (members who can be texted) is created',
      },
      { key: 'inactiveDays', label: 'Inactive for (days)', type: 'number', required: false, default: 60, min: 14, max: 730 },
      { key: 'actionId', label: 'Quick action to offer', type: 'action', required: false, hint: 'Empty: no offer' },
      holdout(0),
      text(
        'checkInText',
        'Check-in question',
        `Hi ${THERE}, it has been a while! What would you like to hear from us about? Reply 1 for events near you, 2 for quick online actions, 3 for big news only.`,
      ),
      text('thanksText', 'After an answer', 'Thank you! We will keep it to what you care about.'),
      text('actionText', 'Quick action offer', 'Here is one thing you can do today, in a minute:', LINK_HINT),
    ],
  },
  {
    key: 'action_milestone',
    name: 'Milestone thank-you (actions)',
    description:
      'When a member takes their 5th action (signing, calling, RSVPing, answering, sharing…), thanks them, awards points and tags them. Once per member.',
    params: [
      { key: 'actionCount', label: 'Number of actions', type: 'number', required: false, default: 5, min: 2, max: 1000 },
      { key: 'points', label: 'Points awarded', type: 'number', required: false, default: 50, min: 1, max: 10_000 },
      {
        key: 'thanksText',
        label: 'Thank-you',
        type: 'template',
        required: false,
        hint: 'Empty: “Ana, that was your 5th action with us. Thank you! People like you are how change happens.” (with the number chosen)',
      },
    ],
  },
  {
    key: 'join_anniversary',
    name: 'Anniversary thank-you',
    description: 'On the anniversary of the day a member joined, thanks them for another year and awards points.',
    params: [
      { key: 'time', label: 'At', type: 'time_of_day', required: false, default: '10:00', hint: 'In the member’s time zone' },
      { key: 'points', label: 'Points awarded', type: 'number', required: false, default: 25, min: 1, max: 10_000 },
      text(
        'thanksText',
        'Thank-you',
        `Happy anniversary, ${FRIEND}! You joined {{ workspace.name }} on this day. Thank you for standing with us, here is to the year ahead.`,
      ),
    ],
  },
  {
    key: 'mentor_introduction',
    name: 'Mentor introduction',
    description:
      'A day after a member joins the community, offers to introduce them to one of its mentors; on YES they are tagged and staff are told (and emailed) to make the introduction.',
    params: [
      { key: 'communityId', label: 'Community', type: 'community', required: true },
      { key: 'staffEmail', label: 'Also email', type: 'email', required: false, hint: 'Who makes the introductions' },
      text(
        'offerText',
        'Offer',
        `Welcome, ${FRIEND}! Would you like us to introduce you to a mentor, someone who has been where you are? Reply YES or NO`,
      ),
      text('yesText', 'After YES', 'Wonderful! One of our mentors will text you in the next few days.'),
      text('noText', 'After NO', 'No problem. If you change your mind, just reply here.'),
    ],
  },
];

export function findPlaybook(key: string): PlaybookMeta | undefined {
  return PLAYBOOKS.find((p) => p.key === key);
}

// ── Checking parameters ─────────────────────────────────────────────────────────────────────────────────────────────

const ACTION_NOUNS = {
  petition: 'a petition',
  call: 'a call page',
  event: 'an event',
  survey: 'a survey',
  share: 'a share toolkit',
  story: 'a story',
};

function idMessage(param: PlaybookParamMeta): string {
  if (param.type === 'community') return 'must be the id of a community';
  if (param.type === 'segment') return 'must be the id of a segment';
  const kinds = param.actionTypes ?? [];
  return kinds.length === 1 ? `must be the id of ${ACTION_NOUNS[kinds[0] as keyof typeof ACTION_NOUNS]}` : 'must be the id of an action';
}

function paramSchema(param: PlaybookParamMeta): z.ZodType<string | number> {
  switch (param.type) {
    case 'action':
    case 'community':
    case 'segment':
      return z
        .number({ error: idMessage(param) })
        .int(idMessage(param))
        .positive(idMessage(param));
    case 'number': {
      const min = param.min ?? 0;
      const max = param.max ?? 1_000_000;
      const message = `must be a whole number from ${min} to ${max}`;
      return z.number({ error: message }).int(message).min(min, message).max(max, message);
    }
    case 'time_of_day':
      return z.string({ error: 'must be a time of day, HH:MM' }).regex(TIME_OF_DAY_PATTERN, 'must be a time of day, HH:MM');
    case 'email':
      return z.email({ error: 'must be an email address' }).max(320);
    default:
      return z.string({ error: 'must be text' }).trim().min(1, 'must not be empty').max(MAX_TEXT, `must be at most ${MAX_TEXT} characters`);
  }
}

const blank = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

export type ParamProblem = { path: string; message: string };

/**
 * The parameters of a playbook checked and completed with their defaults, or the problems, each on `params.<key>`
 * (unknown keys too). Ids are only checked for shape here: the server checks they are this workspace's.
 */
export function parsePlaybookParams(
  key: PlaybookKey,
  input: Record<string, unknown>,
): { ok: true; params: PlaybookParams } | { ok: false; problems: ParamProblem[] } {
  const playbook = findPlaybook(key);
  if (!playbook) throw new Error(`no playbook "${key}"`);
  const problems: ParamProblem[] = [];
  const params: PlaybookParams = {};
  for (const name of Object.keys(input)) {
    if (!playbook.params.some((p) => p.key === name))
      problems.push({ path: `params.${name}`, message: 'is not a parameter of this playbook' });
  }
  for (const param of playbook.params) {
    const value = input[param.key];
    if (blank(value)) {
      if (param.default !== undefined) params[param.key] = param.default;
      else if (param.required) problems.push({ path: `params.${param.key}`, message: 'is required' });
      continue;
    }
    const parsed = paramSchema(param).safeParse(value);
    if (parsed.success) params[param.key] = parsed.data;
    else problems.push({ path: `params.${param.key}`, message: parsed.error.issues[0]?.message ?? 'is not valid' });
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, params };
}

/** A zod schema of a playbook's parameters (problems on `params.<key>` when nested under `params`). */
export function playbookParamsSchema(key: PlaybookKey): z.ZodType<PlaybookParams> {
  return z.record(z.string(), z.unknown()).transform((input, ctx) => {
    const result = parsePlaybookParams(key, input);
    if (result.ok) return result.params;
    for (const problem of result.problems)
      ctx.addIssue({ code: 'custom', path: [problem.path.slice('params.'.length)], message: problem.message });
    return z.NEVER;
  });
}

// ── Building ────────────────────────────────────────────────────────────────────────────────────────────────────────

const sms = (id: string, body: string, next?: string): WorkflowStep => ({ id, kind: 'send_sms', body, ...(next ? { next } : {}) });
const wait = (id: string, seconds: number, next?: string): WorkflowStep => ({
  id,
  kind: 'wait',
  until: { kind: 'duration', seconds },
  ...(next ? { next } : {}),
});
const tag = (id: string, value: string, next?: string): WorkflowStep => ({ id, kind: 'add_tag', tag: value, ...(next ? { next } : {}) });
const yesNo = (id: string, timeoutSeconds: number, exits: { yes?: string; no?: string; timeout?: string }): WorkflowStep => ({
  id,
  kind: 'wait_for_reply',
  reply: 'yes_no',
  branches: [
    { answer: 'yes', ...(exits.yes ? { next: exits.yes } : {}) },
    { answer: 'no', ...(exits.no ? { next: exits.no } : {}) },
  ],
  timeoutSeconds,
  ...(exits.timeout ? { timeout: exits.timeout } : {}),
});
/** The text with the member's link to the action at its end, unless the organizer placed it in the text already. */
const withLink = (body: string, actionId: number) =>
  actionLinkIds(body).includes(actionId) ? body : `${body.trimEnd()} ${actionLinkVariable(actionId)}`;
const ordinal = (n: number) => {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th');
  return `${n}${suffix}`;
};

/** The rule tree of the segment the re-engagement playbook creates when none is given. */
export function inactiveSegmentRule(days: number): SegmentRule {
  return {
    kind: 'group',
    op: 'and',
    rules: [
      { kind: 'field', field: 'sms_consent', op: 'eq', value: 'granted' },
      {
        kind: 'group',
        op: 'or',
        rules: [
          { kind: 'field', field: 'last_active_at', op: 'more_than_days_ago', value: days },
          {
            kind: 'group',
            op: 'and',
            rules: [
              { kind: 'field', field: 'last_active_at', op: 'is_not_set' },
              { kind: 'field', field: 'created_at', op: 'more_than_days_ago', value: days },
            ],
          },
        ],
      },
    ],
  };
}

type Ctx = { p: PlaybookParams; names: PlaybookNames };
const str = (ctx: Ctx, key: string) => String(ctx.p[key] ?? '');
const num = (ctx: Ctx, key: string) => (typeof ctx.p[key] === 'number' ? (ctx.p[key] as number) : undefined);
const need = (ctx: Ctx, key: string) => {
  const value = num(ctx, key);
  if (value === undefined) throw new Error(`playbook parameter ${key} is missing`);
  return value;
};
const named = (map: Record<number, string> | undefined, id: number | undefined) => (id === undefined ? undefined : (map?.[id] ?? `#${id}`));
const holdoutOf = (ctx: Ctx) => {
  const value = num(ctx, 'holdoutPercent') ?? 0;
  return value > 0 ? { holdoutPercent: value } : {};
};

type Builder = (ctx: Ctx) => BuiltPlaybook;

const BUILDERS: Record<PlaybookKey, Builder> = {
  welcome_series(ctx) {
    const communityId = num(ctx, 'communityId');
    const firstActionId = num(ctx, 'firstActionId');
    const community = named(ctx.names.communities, communityId);
    // Answer or not, the first ask comes two days on (unless they already took an action); without one, the series ends.
    const ask = firstActionId !== undefined ? 'pause' : undefined;
    const steps: WorkflowStep[] = [
      // A member who joined by keyword has just had the community's own welcome: the series starts the next day.
      wait('settle_in', DAY, 'welcome'),
      sms('welcome', str(ctx, 'welcomeText'), 'what_brought_you'),
      {
        id: 'what_brought_you',
        kind: 'wait_for_reply',
        reply: 'any',
        branches: [{ answer: 'any', next: 'replied' }],
        timeoutSeconds: 2 * DAY,
        ...(ask ? { timeout: ask } : {}),
      },
      tag('replied', 'welcome_replied', 'thanks'),
      sms('thanks', str(ctx, 'replyText'), ask),
      ...(firstActionId !== undefined
        ? [
            wait('pause', 2 * DAY, 'acted_yet'),
            { id: 'acted_yet', kind: 'goal', next: 'first_action' } satisfies WorkflowStep,
            sms('first_action', withLink(str(ctx, 'actionText'), firstActionId)),
          ]
        : []),
    ];
    return {
      name: community ? `Welcome series: ${community}` : 'Welcome series',
      description: `New members of ${community ?? 'any community'} are welcomed the next day${firstActionId !== undefined ? ` and asked to take ${named(ctx.names.actions, firstActionId)}` : ''}.`,
      definition: {
        trigger: { kind: 'joined_community', ...(communityId !== undefined ? { communityId } : {}) },
        enrollment: 'once',
        steps,
        goal: { types: [...ACTION_ACTIVITY_TYPES], withinDays: 14 },
        ...holdoutOf(ctx),
      },
    };
  },

  petition_call_ladder(ctx) {
    const petitionId = need(ctx, 'petitionId');
    const callId = need(ctx, 'callId');
    const segmentId = num(ctx, 'segmentId');
    const petition = named(ctx.names.actions, petitionId);
    const steps: WorkflowStep[] = [
      sms('ask', str(ctx, 'askText'), 'answer'),
      yesNo('answer', 2 * DAY, { yes: 'will_call', no: 'declined', timeout: 'reminder' }),
      tag('will_call', 'will_call', 'call_link'),
      sms('call_link', withLink(str(ctx, 'callText'), callId), 'give_it_a_day'),
      wait('give_it_a_day', DAY, 'called_yet'),
      { id: 'called_yet', kind: 'goal', next: 'nudge' },
      sms('nudge', withLink(str(ctx, 'nudgeText'), callId)),
      tag('declined', 'declined_call', 'thank_anyway'),
      sms('thank_anyway', str(ctx, 'declinedText')),
      sms('reminder', withLink(str(ctx, 'reminderText'), callId)),
    ];
    // New signers are asked an hour after signing (the petition's own thank-you page has just shown them a next step).
    if (segmentId === undefined) steps.unshift(wait('after_signing', HOUR, 'ask'));
    const segment = named(ctx.names.segments, segmentId);
    return {
      name: `Call ladder: ${petition}`,
      description:
        segmentId === undefined
          ? `Everyone who signs ${petition} is asked to call (${named(ctx.names.actions, callId)}).`
          : `Publish, then enroll the segment ${segment} (id ${segmentId}): its members are asked to call (${named(ctx.names.actions, callId)}).`,
      definition: {
        trigger: segmentId === undefined ? { kind: 'took_action', types: ['signed'], actionId: petitionId } : { kind: 'manual' },
        enrollment: 'once',
        steps,
        goal: { types: ['called'], actionId: callId, withinDays: 14 },
        ...holdoutOf(ctx),
      },
    };
  },

  event_loop(ctx) {
    const eventId = need(ctx, 'eventId');
    const reminderHours = need(ctx, 'reminderHours');
    const feedbackHours = need(ctx, 'feedbackHours');
    const event = named(ctx.names.actions, eventId);
    const feedbackNote = (answer: string) =>
      `{{ member.full_name | default: "A member" }} said ${event} was ${answer}. Worth a call to hear why.`;
    return {
      name: `Event loop: ${event}`,
      description: `Reminds members going to ${event} ${reminderHours} hours before, and asks how it went ${feedbackHours} hours after the start.`,
      definition: {
        trigger: { kind: 'event', actionId: eventId, when: 'before', hours: reminderHours },
        enrollment: 'every_time',
        steps: [
          sms('confirm', withLink(str(ctx, 'confirmText'), eventId), 'still_coming'),
          yesNo('still_coming', reminderHours * HOUR, { yes: 'see_you', no: 'cannot_come', timeout: 'until_after' }),
          // The wait starts from the answer, so feedback is asked at the earliest feedbackHours after the start.
          sms('see_you', str(ctx, 'yesText'), 'until_after_answer'),
          wait('until_after_answer', (reminderHours + feedbackHours) * HOUR, 'feedback'),
          wait('until_after', feedbackHours * HOUR, 'feedback'),
          sms('feedback', str(ctx, 'feedbackText'), 'rating'),
          {
            id: 'rating',
            kind: 'wait_for_reply',
            reply: 'choice',
            choices: [
              { key: 'great', label: 'Great' },
              { key: 'ok', label: 'OK' },
              { key: 'not_great', label: 'Not great' },
            ],
            branches: [
              { answer: 'great', next: 'thanks' },
              { answer: 'ok', next: 'tell_staff_ok' },
              { answer: 'not_great', next: 'tell_staff_not_great' },
            ],
            other: 'thanks',
            timeoutSeconds: 2 * DAY,
          },
          { id: 'tell_staff_ok', kind: 'notify_staff', message: feedbackNote('OK'), next: 'thanks' },
          { id: 'tell_staff_not_great', kind: 'notify_staff', message: feedbackNote('not great'), next: 'thanks' },
          sms('thanks', str(ctx, 'thanksText')),
          tag('cannot_come', 'event_cancelled', 'free_the_spot'),
          {
            id: 'free_the_spot',
            kind: 'notify_staff',
            message: `{{ member.full_name | default: "A member" }} cannot make it to ${event} after all: their spot can go to someone else.`,
            next: 'next_time',
          },
          sms('next_time', str(ctx, 'noText')),
        ],
        goal: { types: ['attended'], actionId: eventId, withinDays: Math.ceil((reminderHours + feedbackHours) / 24) + 1 },
        ...holdoutOf(ctx),
      },
    };
  },

  re_engagement(ctx) {
    // Left out by the organizer, the segment is created by the server first (inactiveSegmentRule) and passed in.
    const segmentId = need(ctx, 'segmentId');
    const actionId = num(ctx, 'actionId');
    const segment = named(ctx.names.segments, segmentId);
    const after = actionId !== undefined ? 'offer' : undefined;
    const steps: WorkflowStep[] = [
      sms('check_in', str(ctx, 'checkInText'), 'interests'),
      {
        id: 'interests',
        kind: 'wait_for_reply',
        reply: 'choice',
        choices: [
          { key: 'events', label: 'Events near you' },
          { key: 'online', label: 'Quick online actions' },
          { key: 'news', label: 'Big news only' },
        ],
        branches: [
          { answer: 'events', next: 'likes_events' },
          { answer: 'online', next: 'likes_online' },
          { answer: 'news', next: 'likes_news' },
        ],
        timeoutSeconds: 5 * DAY,
        timeout: 'dormant',
      },
      tag('likes_events', 'interest_events', 'thanks'),
      tag('likes_online', 'interest_online', 'thanks'),
      tag('likes_news', 'interest_news', 'thanks'),
      sms('thanks', str(ctx, 'thanksText'), after),
      tag('dormant', 'dormant'),
    ];
    if (actionId !== undefined) steps.push(sms('offer', withLink(str(ctx, 'actionText'), actionId)));
    return {
      name: `Re-engagement: ${segment}`,
      description: `Members entering ${segment} are asked what they want to hear about. To reach those already in it, enroll the segment once.`,
      definition: {
        trigger: { kind: 'entered_segment', segmentId },
        enrollment: 'not_while_active',
        steps,
        goal: { types: [...ACTION_ACTIVITY_TYPES], withinDays: 30 },
        ...holdoutOf(ctx),
      },
    };
  },

  action_milestone(ctx) {
    const count = need(ctx, 'actionCount');
    const points = need(ctx, 'points');
    const milestoneTag = `milestone_${count}_actions`;
    const thanks =
      typeof ctx.p.thanksText === 'string'
        ? ctx.p.thanksText
        : `${FRIEND}, that was your ${ordinal(count)} action with us. Thank you! People like you are how change happens.`;
    return {
      name: `Milestone: ${ordinal(count)} action`,
      description: `Thanks members for their ${ordinal(count)} action, once each, with ${points} points.`,
      definition: {
        trigger: { kind: 'took_action' },
        enrollment: 'not_while_active',
        steps: [
          {
            id: 'reached',
            kind: 'condition',
            // At least N (two actions close together may be counted in one go), and not thanked before.
            condition: {
              kind: 'segment',
              rule: {
                kind: 'group',
                op: 'and',
                rules: [
                  { kind: 'activity', did: true, types: [...ACTION_ACTIVITY_TYPES], count: { op: 'gte', n: count } },
                  { kind: 'tag', has: false, tags: [milestoneTag] },
                ],
              },
            },
            yes: 'mark',
          },
          tag('mark', milestoneTag, 'points'),
          { id: 'points', kind: 'award_points', points, next: 'thank' },
          sms('thank', thanks),
        ],
      },
    };
  },

  join_anniversary(ctx) {
    const points = need(ctx, 'points');
    return {
      name: 'Anniversary thank-you',
      description: `Thanks members on the anniversary of joining, at ${str(ctx, 'time')} their time, with ${points} points.`,
      definition: {
        trigger: { kind: 'date_field', field: 'join_anniversary', time: str(ctx, 'time') },
        enrollment: 'every_time',
        steps: [{ id: 'points', kind: 'award_points', points, next: 'thank' }, sms('thank', str(ctx, 'thanksText'))],
      },
    };
  },

  mentor_introduction(ctx) {
    const communityId = need(ctx, 'communityId');
    const community = named(ctx.names.communities, communityId);
    const email = ctx.p.staffEmail;
    return {
      name: `Mentor introduction: ${community}`,
      description: `New members of ${community} are offered a mentor; staff are told who said yes.`,
      definition: {
        trigger: { kind: 'joined_community', communityId },
        enrollment: 'once',
        steps: [
          wait('settle_in', DAY, 'offer'),
          sms('offer', str(ctx, 'offerText'), 'answer'),
          yesNo('answer', 3 * DAY, { yes: 'wants_mentor', no: 'no_thanks' }),
          tag('wants_mentor', 'wants_mentor', 'tell_staff'),
          {
            id: 'tell_staff',
            kind: 'notify_staff',
            message: `{{ member.full_name | default: "A new member" }} joined ${community} and would like a mentor: introduce them to one of its mentors.`,
            ...(typeof email === 'string' ? { email } : {}),
            next: 'introduced_soon',
          },
          sms('introduced_soon', str(ctx, 'yesText')),
          sms('no_thanks', str(ctx, 'noText')),
        ],
      },
    };
  },
};

/**
 * A playbook as a workflow: its name, a description and a definition that passes `workflowDefinition`. The parameters
 * are checked first (throws when they are not valid: check them with parsePlaybookParams to show the problems).
 * `names` (the titles of the ids) only make the name and description readable.
 */
export function buildPlaybook(key: PlaybookKey, input: Record<string, unknown>, names: PlaybookNames = {}): BuiltPlaybook {
  const parsed = parsePlaybookParams(key, input);
  if (!parsed.ok) throw new Error(`playbook ${key}: ${parsed.problems.map((p) => `${p.path} ${p.message}`).join('; ')}`);
  return BUILDERS[key]({ p: parsed.params, names });
}
