import { z } from 'zod';
import { idParam, workspaceParams } from '../accounts/accounts.schema.ts';

// Request and response shapes of the stories API: story actions (the prompt and its page) and the moderation queue.

const ACTION_STATUSES = ['draft', 'published', 'closed'] as const;
export const SUBMISSION_STATUSES = ['pending', 'approved', 'rejected'] as const;
const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const storyParams = workspaceParams.extend({ actionId: idParam });
export const submissionParams = storyParams.extend({ submissionId: idParam });

const text = (max: number) =>
  z
    .string({ error: 'must be text' })
    .trim()
    .max(max, `must be at most ${max.toLocaleString('en-US')} characters`);

const fields = {
  slug: text(60)
    .toLowerCase()
    .refine((value) => SLUG_PATTERN.test(value), 'must be lower-case letters, digits and dashes, e.g. transit-stories')
    .optional(),
  summary: text(300).optional(),
  description: text(10_000).optional(),
  /** The question members answer on the page. */
  prompt: text(500).optional(),
  askPhoto: z.boolean({ error: 'must be true or false' }).optional(),
  /** The consent-to-publish sentence; null or empty: the default wording. */
  publishWording: text(1_000).nullable().optional(),
  communityId: z.number({ error: 'must be the id of a community' }).int().positive().nullable().optional(),
  consentWording: text(1_000).nullable().optional(),
  shareText: text(280).optional(),
};

export const storyInput = z.object({ title: text(200).min(1, 'is required'), ...fields });
export type StoryInput = z.infer<typeof storyInput>;

export const storyPatch = z.object({ title: text(200).min(1, 'is required').optional(), ...fields });
export type StoryPatch = z.infer<typeof storyPatch>;

export const storyView = z.object({
  id: z.number(),
  title: z.string(),
  slug: z.string(),
  status: z.enum(ACTION_STATUSES),
  summary: z.string(),
  description: z.string(),
  prompt: z.string(),
  askPhoto: z.boolean(),
  publishWording: z.string().nullable().describe('The consent-to-publish sentence; null: the default wording'),
  defaultPublishWording: z.string().describe('What the consent-to-publish checkbox says when publishWording is null (English)'),
  communityId: z.number().nullable(),
  consentWording: z.string().nullable().describe('The SMS consent checkbox; null: the default wording'),
  defaultConsentWording: z.string(),
  shareText: z.string(),
  /** Stories submitted (a counter) and the queue by status. */
  submitted: z.number(),
  counts: z.object({ pending: z.number(), approved: z.number(), rejected: z.number() }),
  /** The public page and the spotlight, absolute. */
  url: z.string(),
  spotlightUrl: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  publishedAt: z.number().nullable(),
  closedAt: z.number().nullable(),
});
export type StoryView = z.infer<typeof storyView>;

export const storySummary = storyView.pick({
  id: true,
  title: true,
  slug: true,
  status: true,
  submitted: true,
  counts: true,
  url: true,
  createdAt: true,
  publishedAt: true,
});

export const submissionsQuery = z.object({
  status: z.enum(SUBMISSION_STATUSES).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
  before: z.coerce.number().int().positive().optional(),
});

export const submissionView = z.object({
  id: z.number(),
  memberId: z.number(),
  memberName: z.string(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  story: z.string(),
  display: z.enum(['name', 'anonymous']),
  displayName: z.string().nullable().describe('What the spotlight shows; null: anonymous'),
  publishConsent: z.string().describe('The exact consent-to-publish words the member agreed to'),
  photo: z.object({ type: z.string(), size: z.number(), url: z.string().describe('Staff only (signed in)') }).nullable(),
  status: z.enum(SUBMISSION_STATUSES),
  moderatedBy: z.string().nullable(),
  moderatedAt: z.number().nullable(),
  reason: z.string().nullable(),
  source: z.string().nullable(),
  createdAt: z.number(),
});
export type SubmissionView = z.infer<typeof submissionView>;

export const submissionsPage = z.object({
  submissions: z.array(submissionView),
  /** Pass as `before` for the next page; null: no more. */
  next: z.number().nullable(),
});

export const rejectInput = z.object({ reason: text(500).optional() });
