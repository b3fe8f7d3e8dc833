import { z } from 'zod';
import { keywordProblem, normalizeKeyword } from '../../../common/keywords.ts';
import { idParam, workspaceParams } from '../accounts/accounts.schema.ts';

export const VISIBILITIES = ['public', 'request', 'invite'] as const;
export const MEMBERSHIP_ROLES = ['member', 'leader', 'mentor'] as const;
export const MEMBERSHIP_STATUSES = ['active', 'pending', 'left'] as const;

export const visibility = z.enum(VISIBILITIES, { error: `must be one of ${VISIBILITIES.join(', ')}` });
export const membershipRole = z.enum(MEMBERSHIP_ROLES, { error: `must be one of ${MEMBERSHIP_ROLES.join(', ')}` });
export const membershipStatus = z.enum(MEMBERSHIP_STATUSES, { error: `must be one of ${MEMBERSHIP_STATUSES.join(', ')}` });

export const communityParams = workspaceParams.extend({ communityId: idParam });
export const membershipParams = communityParams.extend({ memberId: idParam });

const name = z.string().trim().min(1, 'is required').max(120, 'must be at most 120 characters');
const slug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lower-case letters, digits and single hyphens, e.g. climate-austin')
  .max(60, 'must be at most 60 characters');
const longText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max.toLocaleString('en-US')} characters`);
// One rule for every keyword of the workspace (this form and the keywords API): common/keywords.ts.
const keyword = z
  .string()
  .superRefine((value, ctx) => {
    const problem = keywordProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform(normalizeKeyword);
const keywords = z
  .array(keyword)
  .max(20, 'must list at most 20 keywords')
  .transform((list) => [...new Set(list)]);

export const communityInput = z.object({
  name,
  slug: slug.optional(),
  description: longText(2000).optional(),
  guidelines: longText(10_000).optional(),
  visibility,
  parentId: z.number({ error: 'must be a community id' }).int().positive().nullable().optional(),
  keywords: keywords.optional(),
  consentWording: longText(1000).min(20, 'must be at least 20 characters: the full sentence members agree to').nullable().optional(),
});
export type CommunityInput = z.infer<typeof communityInput>;

export const communityPatch = z.object({
  name: name.optional(),
  slug: slug.optional(),
  description: longText(2000).optional(),
  guidelines: longText(10_000).optional(),
  visibility: visibility.optional(),
  parentId: z.number({ error: 'must be a community id' }).int().positive().nullable().optional(),
  keywords: keywords.optional(),
  consentWording: longText(1000).min(20, 'must be at least 20 characters: the full sentence members agree to').nullable().optional(),
  /** `false` restores an archived community (its keywords are not restored). */
  archived: z.boolean().optional(),
});
export type CommunityPatch = z.infer<typeof communityPatch>;

export const community = z.object({
  id: z.number(),
  name: z.string(),
  slug: z.string(),
  parentId: z.number().nullable(),
  description: z.string(),
  guidelines: z.string(),
  visibility,
  keywords: z.array(z.string()),
  consentWording: z.string().nullable(),
  memberCount: z.number().describe('Active direct members'),
  totalMemberCount: z.number().describe('Distinct active members of the community and all its descendants'),
  leaders: z.array(z.object({ memberId: z.number(), name: z.string() })),
  archived: z.boolean(),
  createdAt: z.string(),
  joinUrl: z.string(),
});

export const listCommunitiesQuery = z.object({
  includeArchived: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .transform((value) => value === 'true'),
});

export const communityMember = z.object({
  memberId: z.number(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  phone: z.string().nullable(),
  role: membershipRole,
  status: membershipStatus,
  source: z.string().nullable(),
  joinedAt: z.string(),
  leftAt: z.string().nullable(),
});

export const listMembersQuery = z.object({
  status: membershipStatus.optional(),
  role: membershipRole.optional(),
  cursor: z
    .string()
    .regex(/^\d{1,15}$/, 'must be the nextCursor of the previous page')
    .transform(Number)
    .optional(),
  limit: z.coerce.number({ error: 'must be a number' }).int().min(1, 'must be at least 1').max(500, 'must be at most 500').default(100),
});

const source = z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters');

export const addMembersInput = z.object({
  memberIds: z
    .array(z.number({ error: 'must be member ids' }).int().positive())
    .min(1, 'must list at least one member')
    .max(1000, 'must list at most 1,000 members per request')
    .transform((ids) => [...new Set(ids)]),
  role: membershipRole.optional(),
  source: source.optional(),
});

export const membershipPatch = z
  .object({
    role: membershipRole.optional(),
    status: z.literal('active', { error: 'can only be active (to approve a request or bring a member back)' }).optional(),
  })
  .refine((body) => body.role !== undefined || body.status !== undefined, { message: 'must change the role or the status' });
