import { z } from 'zod';
import { ACTIVITY_TYPES } from '../../../common/activities.ts';
import { idParam, workspaceParams } from '../accounts/accounts.schema.ts';
import { senderView } from './channels.schema.ts';

// Request and response shapes of the broadcasts API (the contract is docs of the dashboard's messaging features).
// Rules that need the database (communities exist, the sender is one of the workspace's, templates compile) are
// checked by the service and answered on the same field paths.

export const BROADCAST_STATUSES = ['draft', 'scheduled', 'expanding', 'sending', 'paused', 'completed', 'cancelled'] as const;
export const MAX_TEMPLATE_CHARS = 1_600;
export const MAX_THROTTLE_PER_MINUTE = 600_000;
export const MAX_TEST_PHONES = 5;

export const broadcastParams = workspaceParams.extend({ broadcastId: idParam });

const channel = z.enum(['sms', 'email'], { error: 'must be sms or email' });
const name = z.string().trim().min(1, 'is required').max(120, 'must be at most 120 characters');
const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$/;
const language = z.string().trim().regex(LANGUAGE, 'must be a language code such as en, es or pt-BR');

const tag = z
  .string()
  .trim()
  .min(1, 'is required')
  .max(50, 'must be at most 50 characters')
  .transform((value) => value.toLowerCase());

export const audience = z.object(
  {
    communityIds: z
      .array(z.number({ error: 'must be a community id' }).int('must be a community id').positive('must be a community id'))
      .max(500, 'must list at most 500 communities')
      .transform((ids) => [...new Set(ids)]),
    tags: z
      .array(tag)
      .max(100, 'must list at most 100 tags')
      .transform((tags) => [...new Set(tags)]),
    segmentId: z
      .number({ error: 'must be a segment id' })
      .int('must be a segment id')
      .positive('must be a segment id')
      .nullable()
      .optional()
      .describe(
        "A saved segment: its members (and, when communities or tags are given too, only those in them); frozen when the broadcast's expansion begins",
      ),
  },
  { error: 'must be an object { communityIds, tags, segmentId? }' },
);

const templates = z
  .record(language, z.string().max(MAX_TEMPLATE_CHARS, `must be at most ${MAX_TEMPLATE_CHARS.toLocaleString('en-US')} characters`), {
    error: 'must be an object of language → message text',
  })
  .refine((value) => Object.keys(value).length <= 20, 'must hold at most 20 languages');

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

const mediaUrl = z
  .string()
  .trim()
  .max(2_000, 'must be at most 2,000 characters')
  .refine(isHttpUrl, 'must be an http(s) URL of an image, e.g. https://example.org/rally.jpg');

const utmValue = z.string().trim().max(100, 'must be at most 100 characters');
const utm = z.object({ source: utmValue.optional(), medium: utmValue.optional(), campaign: utmValue.optional() });

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const isCalendarDate = (value: string) => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
};

export const schedule = z.discriminatedUnion(
  'kind',
  [
    z.object({ kind: z.literal('now') }),
    z.object({ kind: z.literal('at'), at: z.number({ error: 'must be a time (epoch milliseconds)' }).int().positive() }),
    z.object({
      kind: z.literal('local_time'),
      date: z.string().refine(isCalendarDate, 'must be a date YYYY-MM-DD'),
      time: z.string().regex(HHMM, 'must be a time HH:MM (24-hour)'),
    }),
  ],
  { error: 'must be { kind: now }, { kind: at, at } or { kind: local_time, date, time }' },
);
export type ScheduleInput = z.infer<typeof schedule>;

export const MAX_HOLDOUT_PERCENT = 50;

const holdoutPercent = z
  .number({ error: 'must be a percentage from 0 to 50' })
  .int('must be a whole percentage')
  .min(0, 'must be 0 or more')
  .max(MAX_HOLDOUT_PERCENT, `must be at most ${MAX_HOLDOUT_PERCENT}: the texted group must stay at least as large as the held-out one`)
  .describe('The share of the audience (after consent, opt-outs and the frequency cap) held out of the send, to measure it against');

/** The shape of a workflow goal (common/workflows.ts workflowGoal), with messages for the composer's fields. */
export const goal = z
  .object(
    {
      types: z
        .array(z.enum(ACTIVITY_TYPES, { error: 'must be kinds of activity such as signed, called or rsvped' }))
        .min(1, 'must list at least one kind of activity')
        .max(ACTIVITY_TYPES.length)
        .transform((types) => [...new Set(types)]),
      actionId: z
        .number({ error: 'must be an action id' })
        .int('must be an action id')
        .positive('must be an action id')
        .nullish()
        .describe('Only activities of this action count; none: any'),
      withinDays: z
        .number({ error: 'must be a number of days' })
        .int('must be a whole number of days')
        .min(1, 'must be at least 1 day')
        .max(365, 'must be at most 365 days'),
    },
    { error: 'must be an object { types, actionId?, withinDays }' },
  )
  .describe('What the lift report measures: a member did one of these activities within N days of the send start');
export type GoalInput = z.infer<typeof goal>;

const fields = {
  channel,
  audience,
  senderId: z.number({ error: 'must be a sender id' }).int().positive().nullable().optional(),
  templates,
  defaultLanguage: language,
  subject: z.string().trim().max(200, 'must be at most 200 characters').nullable().optional(),
  mediaUrl: mediaUrl.nullable().optional(),
  trackLinks: z.boolean().optional(),
  utm: utm.nullable().optional(),
  schedule: schedule.optional(),
  throttlePerMinute: z
    .number({ error: 'must be a number of messages per minute' })
    .int('must be a whole number of messages per minute')
    .positive('must be more than 0')
    .max(MAX_THROTTLE_PER_MINUTE, `must be at most ${MAX_THROTTLE_PER_MINUTE.toLocaleString('en-US')}`)
    .nullable()
    .optional(),
  holdoutPercent: holdoutPercent.optional(),
  goal: goal.nullable().optional().describe('What the lift report measures; a holdout given no goal measures any action within 14 days'),
};

/** The default language must have a template: it is what members of other languages receive. */
function requireDefaultTemplate(
  value: { templates?: Record<string, string> | undefined; defaultLanguage?: string | undefined },
  ctx: z.RefinementCtx,
) {
  if (value.templates === undefined || value.defaultLanguage === undefined) return;
  if ((value.templates[value.defaultLanguage] ?? '').trim() === '') {
    ctx.addIssue({
      code: 'custom',
      path: ['templates', value.defaultLanguage],
      message: `is required: the message in the default language (${value.defaultLanguage}) is what members of other languages receive`,
    });
  }
}

export const broadcastInput = z.object({ name, ...fields }).superRefine(requireDefaultTemplate);
export type BroadcastInput = z.infer<typeof broadcastInput>;

export const previewInput = z.object({ name: name.optional(), ...fields }).superRefine(requireDefaultTemplate);
export type PreviewInput = z.infer<typeof previewInput>;

export const broadcastPatch = z
  .object({
    name: name.optional(),
    channel: channel.optional(),
    audience: audience.optional(),
    senderId: fields.senderId,
    templates: templates.optional(),
    defaultLanguage: language.optional(),
    subject: fields.subject,
    mediaUrl: fields.mediaUrl,
    trackLinks: fields.trackLinks,
    utm: fields.utm,
    schedule: fields.schedule,
    throttlePerMinute: fields.throttlePerMinute,
    holdoutPercent: fields.holdoutPercent,
    goal: fields.goal,
  })
  .superRefine(requireDefaultTemplate);
export type BroadcastPatch = z.infer<typeof broadcastPatch>;

export const listBroadcastsQuery = z.object({
  status: z.enum(BROADCAST_STATUSES, { error: `must be one of ${BROADCAST_STATUSES.join(', ')}` }).optional(),
  limit: z.coerce.number({ error: 'must be a number' }).int().min(1).max(200).default(50),
  cursor: z.coerce.number({ error: 'must be the nextCursor of the page before' }).int().positive().optional(),
});

export const testInput = z.object({
  phones: z
    .array(z.string().trim().min(1, 'is required').max(40, 'is too long to be a phone number'), {
      error: 'must be a list of phone numbers',
    })
    .min(1, 'must list at least one phone number')
    .max(MAX_TEST_PHONES, `must list at most ${MAX_TEST_PHONES} phone numbers`),
});

const problem = z.object({ field: z.string(), message: z.string() });
export type Problem = z.infer<typeof problem>;

const counts = z.object({
  total: z.number(),
  reachable: z.number(),
  noConsent: z.number(),
  optedOut: z.number(),
  noAddress: z.number(),
  landline: z.number(),
});

export const previewView = z.object({
  recipients: counts.describe('Distinct live members of the audience'),
  languages: z.record(z.string(), z.number()).describe('Reachable members per template language used'),
  renders: z.array(
    z.object({
      language: z.string(),
      sample: z.string(),
      encoding: z.enum(['gsm7', 'ucs2']),
      units: z.number(),
      segments: z.number(),
      ucs2Chars: z.array(z.string()),
    }),
  ),
  segmentsPerMessage: z.number(),
  costMicros: z.number(),
  drainSeconds: z.number(),
  sender: senderView.nullable(),
  problems: z.array(problem),
});
export type PreviewView = z.infer<typeof previewView>;

export const statsView = z.object({
  queued: z.number(),
  sent: z.number(),
  delivered: z.number(),
  failed: z.number(),
  unknown: z.number(),
  cancelled: z.number(),
  clicked: z.number(),
  clicks: z.number(),
  replied: z.number(),
  optedOut: z.number(),
  costMicros: z.number(),
  skipped: z.object({ noConsent: z.number(), optedOut: z.number(), noAddress: z.number(), landline: z.number(), frequencyCap: z.number() }),
  heldOut: z.number().describe('Members held out of the send for the lift report (neither sent nor skipped)'),
  finished: z.number(),
});
export type StatsView = z.infer<typeof statsView>;

const status = z.enum(BROADCAST_STATUSES);

const goalView = z.object({ types: z.array(z.string()), actionId: z.number().nullable(), withinDays: z.number() });

export const broadcastSummary = z.object({
  id: z.number(),
  name: z.string(),
  channel,
  status,
  recipientCount: z.number(),
  scheduledAt: z.number().nullable(),
  launchedAt: z.number().nullable(),
  completedAt: z.number().nullable(),
  createdAt: z.number(),
  stats: statsView,
});

export const broadcastView = broadcastSummary.extend({
  audience: z.object({ communityIds: z.array(z.number()), tags: z.array(z.string()), segmentId: z.number().nullable() }),
  senderId: z.number().nullable(),
  templates: z.record(z.string(), z.string()),
  defaultLanguage: z.string(),
  subject: z.string().nullable(),
  mediaUrl: z.string().nullable(),
  trackLinks: z.boolean(),
  utm: z.object({ source: z.string().optional(), medium: z.string().optional(), campaign: z.string().optional() }).nullable(),
  schedule: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('now') }),
    z.object({ kind: z.literal('at'), at: z.number() }),
    z.object({ kind: z.literal('local_time'), date: z.string(), time: z.string() }),
  ]),
  throttlePerMinute: z.number().nullable(),
  pauseReason: z.string().nullable(),
  updatedAt: z.number(),
  failuresByCode: z.array(z.object({ code: z.string(), count: z.number(), description: z.string() })),
  holdoutPercent: z.number(),
  goal: goalView.nullable(),
});
export type BroadcastView = z.infer<typeof broadcastView>;

const liftGroup = z.object({ n: z.number(), reached: z.number(), rate: z.number().nullable() });

export const liftView = z.object({
  holdoutPercent: z.number(),
  goal: goalView.nullable(),
  window: z
    .object({ from: z.number(), until: z.number(), open: z.boolean() })
    .nullable()
    .describe('From the send start to the end of the goal window (inclusive); open while it has not ended. Null before the send'),
  treated: liftGroup.nullable().describe('Members the broadcast queued a message for, whatever its outcome'),
  heldOut: liftGroup.nullable().describe('Members held out of the broadcast'),
  difference: z.number().nullable().describe('treated rate − held-out rate; null while a group is empty'),
  interval: z.object({ low: z.number(), high: z.number(), level: z.number(), method: z.string() }).nullable(),
});
export type LiftView = z.infer<typeof liftView>;
