import { z } from 'zod';
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
  finished: z.number(),
});
export type StatsView = z.infer<typeof statsView>;

const status = z.enum(BROADCAST_STATUSES);

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
});
export type BroadcastView = z.infer<typeof broadcastView>;
