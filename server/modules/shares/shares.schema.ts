import { z } from 'zod';
import { idParam, workspaceParams } from '../accounts/accounts.schema.ts';
import { SHARE_NETWORKS } from './share-links.ts';

// Request and response shapes of the share actions API. Rules that need the database (the target action and the
// community belong to the workspace, the slug is free) are checked by the service and answered on the same paths.

export const SHARE_STATUSES = ['draft', 'published', 'closed'] as const;
const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const HASHTAG = /^[\p{L}\p{N}_]{1,60}$/u;

export const shareParams = workspaceParams.extend({ shareId: idParam });

const text = (max: number) =>
  z
    .string({ error: 'must be text' })
    .trim()
    .max(max, `must be at most ${max.toLocaleString('en-US')} characters`);

const hashtags = z
  .array(
    z
      .string({ error: 'must be text' })
      .trim()
      .transform((tag) => tag.replace(/^#+/, ''))
      .refine((tag) => HASHTAG.test(tag), 'must be letters, digits and underscores, e.g. SaveTheOaks'),
  )
  .max(6, 'must be at most 6 hashtags');

const post = z.object({ text: text(1_000), hashtags: hashtags.default([]) });
const postX = z.object({ text: text(250), hashtags: hashtags.default([]) });

export const postsSchema = z.object({
  x: postX.optional(),
  facebook: post.optional(),
  whatsapp: post.optional(),
  bluesky: z.object({ text: text(250), hashtags: hashtags.default([]) }).optional(),
  mastodon: post.optional(),
  sms: post.optional(),
  email: post.extend({ subject: text(200).default('') }).optional(),
} satisfies Record<(typeof SHARE_NETWORKS)[number], z.ZodType>);
export type SharePosts = z.infer<typeof postsSchema>;

// What the API answers (plain shapes: a response schema cannot hold transforms).
const postView = z.object({ text: z.string(), hashtags: z.array(z.string()), subject: z.string().optional() });
const postsView = z.object(
  Object.fromEntries(SHARE_NETWORKS.map((n) => [n, postView.optional()])) as Record<
    (typeof SHARE_NETWORKS)[number],
    z.ZodOptional<typeof postView>
  >,
);

const fields = {
  slug: text(60)
    .toLowerCase()
    .refine((value) => SLUG_PATTERN.test(value), 'must be lower-case letters, digits and dashes, e.g. share-the-oaks')
    .optional(),
  summary: text(300).optional(),
  description: text(10_000).optional(),
  communityId: z.number({ error: 'must be the id of a community' }).int().positive().nullable().optional(),
  /** The action the posts link to (its page, with the sharer's code); else `targetUrl`. */
  targetActionId: z.number({ error: 'must be the id of an action' }).int().positive().nullable().optional(),
  targetUrl: z
    .union([z.literal(''), z.url({ protocol: /^https?$/, error: 'must be a web address starting with https://' }).max(2_000)])
    .optional(),
  posts: postsSchema.optional(),
  mastodonInstance: text(100)
    .toLowerCase()
    .refine((value) => value === '' || /^[a-z0-9.-]+\.[a-z]{2,}$/.test(value), 'must be a server name, e.g. mastodon.social')
    .optional(),
  consentWording: text(1_000).nullable().optional(),
};

export const shareInput = z.object({ title: text(200).min(1, 'is required'), ...fields });
export type ShareInput = z.infer<typeof shareInput>;
export const sharePatch = z.object({ title: text(200).min(1, 'is required').optional(), ...fields });
export type SharePatch = z.infer<typeof sharePatch>;

export const shareView = z.object({
  id: z.number(),
  title: z.string(),
  slug: z.string(),
  status: z.enum(SHARE_STATUSES),
  summary: z.string(),
  description: z.string(),
  communityId: z.number().nullable(),
  targetActionId: z.number().nullable(),
  targetTitle: z.string().nullable(),
  targetUrl: z.string(),
  posts: postsView,
  mastodonInstance: z.string(),
  consentWording: z.string().nullable(),
  sharers: z.number().describe('Members who shared at least once (a counter)'),
  /** The public page, absolute. */
  url: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  publishedAt: z.number().nullable(),
  closedAt: z.number().nullable(),
});
export type ShareView = z.infer<typeof shareView>;

export const shareSummary = shareView.pick({ id: true, title: true, slug: true, status: true, sharers: true, url: true, createdAt: true });

export const shareResults = z.object({
  shares: z.number().describe('Taps on the share buttons'),
  sharers: z.number(),
  signups: z.number().describe('People who took the linked action through a sharer’s link'),
  perNetwork: z.array(z.object({ network: z.string(), shares: z.number(), signups: z.number() })),
  topSharers: z.array(z.object({ memberId: z.number(), name: z.string(), shares: z.number(), signups: z.number() })),
});
