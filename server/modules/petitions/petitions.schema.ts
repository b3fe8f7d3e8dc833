import { z } from 'zod';
import { idParam, workspaceParams } from '../accounts/accounts.schema.ts';

// Request and response shapes of the petitions API. Rules that need the database (the community and the next action
// belong to the workspace, the slug is free) are checked by the service and answered on the same paths.

export const PETITION_STATUSES = ['draft', 'published', 'closed'] as const;
export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const petitionParams = workspaceParams.extend({ actionId: idParam });

const text = (max: number) =>
  z
    .string({ error: 'must be text' })
    .trim()
    .max(max, `must be at most ${max.toLocaleString('en-US')} characters`);

const slug = text(60)
  .toLowerCase()
  .refine((value) => SLUG_PATTERN.test(value), 'must be lower-case letters, digits and dashes, e.g. save-the-oaks');

const fields = {
  slug: slug.optional(),
  summary: text(300).optional(),
  description: text(10_000).optional(),
  /** Who the petition is addressed to ("Austin City Council"). */
  target: text(200).optional(),
  /** The letter signers put their name to. */
  letter: text(10_000).optional(),
  askComment: z.boolean({ error: 'must be true or false' }).optional(),
  showSigners: z.boolean({ error: 'must be true or false' }).optional(),
  goal: z
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(100_000_000)
    .nullable()
    .optional(),
  communityId: z.number({ error: 'must be the id of a community' }).int().positive().nullable().optional(),
  consentWording: text(1_000).nullable().optional(),
  nextActionId: z.number({ error: 'must be the id of an action' }).int().positive().nullable().optional(),
  shareText: text(280).optional(),
};

export const petitionInput = z.object({ title: text(200).min(1, 'is required'), ...fields });
export type PetitionInput = z.infer<typeof petitionInput>;

export const petitionPatch = z.object({ title: text(200).min(1, 'is required').optional(), ...fields });
export type PetitionPatch = z.infer<typeof petitionPatch>;

export const petitionView = z.object({
  id: z.number(),
  title: z.string(),
  slug: z.string(),
  status: z.enum(PETITION_STATUSES),
  summary: z.string(),
  description: z.string(),
  target: z.string(),
  letter: z.string(),
  askComment: z.boolean(),
  showSigners: z.boolean(),
  goal: z.number().nullable(),
  communityId: z.number().nullable(),
  consentWording: z.string().nullable().describe('The SMS consent checkbox; null: the default wording'),
  defaultConsentWording: z.string().describe('What the checkbox says when consentWording is null (English)'),
  nextActionId: z.number().nullable(),
  shareText: z.string(),
  signatures: z.number().describe('The signature counter'),
  /** The public page, absolute. */
  url: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  publishedAt: z.number().nullable(),
  closedAt: z.number().nullable(),
});
export type PetitionView = z.infer<typeof petitionView>;

export const petitionSummary = petitionView.pick({
  id: true,
  title: true,
  slug: true,
  status: true,
  goal: true,
  signatures: true,
  url: true,
  createdAt: true,
  publishedAt: true,
});

export const signatureView = z.object({
  id: z.number(),
  memberId: z.number(),
  name: z.string(),
  postalCode: z.string().nullable(),
  comment: z.string().nullable(),
  public: z.boolean(),
  source: z.string().nullable(),
  createdAt: z.number(),
});

export const petitionResults = z.object({
  signatures: z.number(),
  goal: z.number().nullable(),
  recent: z.array(signatureView),
  /** Signatures per UTC day, oldest first (the last 60 days with any). */
  perDay: z.array(z.object({ day: z.string(), count: z.number() })),
});
