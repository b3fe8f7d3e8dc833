import { z } from 'zod';
import { idParam, workspaceParams } from '../accounts/accounts.schema.ts';
import { audience } from '../messaging/broadcasts.schema.ts';

// Request and response shapes of the peer-to-peer campaigns API: the organizer's setup (audience, sender, script,
// batch size), the launch that loads contacts, and the texter's queue of initials sent one click at a time.

export const P2P_STATUSES = ['draft', 'loading', 'active', 'paused', 'closed'] as const;
export const MAX_SCRIPT_TEXT = 1_600;
export const DEFAULT_BATCH_SIZE = 50;

export const campaignParams = workspaceParams.extend({ campaignId: idParam });
export const contactParams = campaignParams.extend({ contactId: idParam });
export const campaignMemberParams = campaignParams.extend({ memberId: idParam });

const text = (max: number) => z.string().max(max, `must be at most ${max.toLocaleString('en-US')} characters`);
const name = z.string().trim().min(1, 'is required').max(120, 'must be at most 120 characters');
const KEY = /^[a-z0-9][a-z0-9_-]{0,39}$/;

const answer = z.object({
  key: z.string().trim().toLowerCase().regex(KEY, 'must be 1–40 lower-case letters, digits, - or _ (e.g. yes, maybe, not_home)'),
  label: z.string().trim().min(1, 'is required').max(80, 'must be at most 80 characters'),
  /** A member tag applied when the texter records this answer. */
  tag: z
    .string()
    .trim()
    .max(50, 'must be at most 50 characters')
    .transform((value) => value.toLowerCase())
    .nullish()
    .transform((value) => (value ? value : null)),
  /** The follow-up the texter sends after this answer (Liquid, like the initial). */
  reply: text(MAX_SCRIPT_TEXT)
    .nullish()
    .transform((value) => (value?.trim() ? value : null)),
});

const response = z.object({
  title: z.string().trim().min(1, 'is required').max(80, 'must be at most 80 characters'),
  body: text(MAX_SCRIPT_TEXT).refine((value) => value.trim() !== '', 'is required'),
});

export const script = z
  .object({
    initial: text(MAX_SCRIPT_TEXT).refine((value) => value.trim() !== '', 'is required: the first text every contact gets'),
    question: z
      .string()
      .trim()
      .max(200, 'must be at most 200 characters')
      .nullish()
      .transform((value) => value || null),
    answers: z.array(answer).max(20, 'must list at most 20 answers').default([]),
    responses: z.array(response).max(50, 'must list at most 50 saved responses').default([]),
  })
  .superRefine((value, ctx) => {
    const seen = new Set<string>();
    value.answers.forEach((a, index) => {
      if (seen.has(a.key)) ctx.addIssue({ code: 'custom', path: ['answers', index, 'key'], message: `repeats the answer "${a.key}"` });
      seen.add(a.key);
    });
  });
export type Script = z.infer<typeof script>;

const batchSize = z
  .number({ error: 'must be a number of contacts' })
  .int('must be a whole number')
  .min(1, 'must be at least 1')
  .max(500, 'must be at most 500');
const senderId = z.number({ error: 'must be a sender id' }).int().positive().nullable();

export const campaignInput = z.object({
  name,
  audience,
  senderId: senderId.optional(),
  script,
  batchSize: batchSize.optional(),
});
export type CampaignInput = z.infer<typeof campaignInput>;

export const campaignPatch = z.object({
  name: name.optional(),
  audience: audience.optional(),
  senderId: senderId.optional(),
  script: script.optional(),
  batchSize: batchSize.optional(),
});
export type CampaignPatch = z.infer<typeof campaignPatch>;

export const previewInput = z.object({ audience, senderId: senderId.optional(), script });
export type PreviewInput = z.infer<typeof previewInput>;

export const previewView = z.object({
  recipients: z.object({
    total: z.number(),
    reachable: z.number(),
    noConsent: z.number(),
    optedOut: z.number(),
    noAddress: z.number(),
    landline: z.number(),
  }),
  sample: z.string().nullable().describe('The initial as the first reachable member would get it (with the first-message footer)'),
  problems: z.array(z.object({ field: z.string(), message: z.string() })),
});
export type PreviewView = z.infer<typeof previewView>;

const status = z.enum(P2P_STATUSES);

export const statsView = z.object({
  contacts: z.number(),
  pending: z.number(),
  assigned: z.number().describe('Contacts handed to a texter (sent or not)'),
  sent: z.number(),
  skipped: z.number(),
  replied: z.number(),
  optedOut: z.number(),
  answers: z.record(z.string(), z.number()),
  texters: z.array(z.object({ userId: z.number(), name: z.string(), assigned: z.number(), sent: z.number() })),
});
export type StatsView = z.infer<typeof statsView>;

export const campaignSummary = z.object({
  id: z.number(),
  name: z.string(),
  status,
  contactCount: z.number(),
  sentCount: z.number(),
  skippedCount: z.number(),
  repliedCount: z.number(),
  optedOutCount: z.number(),
  createdAt: z.number(),
  launchedAt: z.number().nullable(),
  closedAt: z.number().nullable(),
});

export const campaignView = campaignSummary.extend({
  audience: z.object({ communityIds: z.array(z.number()), tags: z.array(z.string()) }),
  senderId: z.number().nullable(),
  script: z.object({
    initial: z.string(),
    question: z.string().nullable(),
    answers: z.array(z.object({ key: z.string(), label: z.string(), tag: z.string().nullable(), reply: z.string().nullable() })),
    responses: z.array(z.object({ title: z.string(), body: z.string() })),
  }),
  batchSize: z.number(),
  updatedAt: z.number(),
  stats: statsView,
});
export type CampaignView = z.infer<typeof campaignView>;

export const assignmentView = z.object({
  id: z.number(),
  name: z.string(),
  status,
  batchSize: z.number(),
  assigned: z.number().describe('Contacts I hold that are not sent yet'),
  sent: z.number().describe('Initials I sent in this campaign'),
  available: z.number().describe('Contacts no texter has taken yet'),
});

export const takeView = z.object({ taken: z.number(), assigned: z.number(), available: z.number() });

export const queueContact = z.object({
  id: z.number(),
  memberId: z.number(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  body: z.string().describe('The initial as it will be sent'),
});

export const queueView = z.object({
  campaign: z.object({ id: z.number(), name: z.string(), status }),
  contacts: z.array(queueContact).describe('My unsent contacts inside their sending window now, in order'),
  waiting: z.number().describe('My unsent contacts outside their sending window (their morning has not come)'),
  nextWindowAt: z.number().nullable().describe('When the first waiting contact may be texted'),
  batch: z.object({ size: z.number(), sent: z.number(), skipped: z.number() }).describe('My latest batch'),
  available: z.number(),
  answers: z.array(z.object({ key: z.string(), label: z.string() })),
});

export const sendView = z.object({
  contactId: z.number(),
  outcome: z.enum(['sent', 'skipped']),
  reason: z.string().nullable().describe('Why it was skipped: opted_out, no_consent, frequency_cap, texter'),
  messageId: z.number().nullable(),
});

export const answerInput = z.object({
  key: z.string().trim().toLowerCase().min(1, 'is required').max(40, 'must be at most 40 characters'),
});

export const answerView = z.object({
  contactId: z.number(),
  answer: z.object({ key: z.string(), label: z.string() }),
  tagsAdded: z.array(z.string()),
  followUp: z.string().nullable().describe("The answer's follow-up text, rendered, for the texter to send from the inbox"),
});

export const memberScriptView = z.object({
  campaign: z.object({ id: z.number(), name: z.string(), status }),
  contactId: z.number(),
  question: z.string().nullable(),
  answers: z.array(
    z.object({
      key: z.string(),
      label: z.string(),
      tag: z.string().nullable(),
      reply: z.string().nullable().describe('The follow-up rendered for this member, as the caller would send it'),
    }),
  ),
  answer: z.string().nullable().describe('The answer key recorded for this member, if any'),
});

export const MAX_ASSIGN = 10_000;

export const assignInput = z.object({
  texterId: z.number({ error: 'must be a user id' }).int('must be a user id').positive('must be a user id'),
  count: z
    .number({ error: 'must be a number of contacts' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(MAX_ASSIGN, `must be at most ${MAX_ASSIGN.toLocaleString('en-US')}`),
});
export type AssignInput = z.infer<typeof assignInput>;

export const assignView = z.object({
  texterId: z.number(),
  moved: z.number().describe('Pending contacts handed to the texter by this request (fewer than asked when fewer were left)'),
  assigned: z.number().describe('Unsent contacts the texter now holds'),
  available: z.number().describe('Contacts no texter has yet'),
});

export const texterOption = z.object({ id: z.number(), name: z.string(), role: z.string() });
