import { z } from 'zod';
import { segmentRule } from '../../../common/segments.ts';
import { idParam, workspaceParams } from '../accounts/accounts.schema.ts';

// Request and response shapes of the segments API. The rule tree's own shape and limits are common/segments.ts (the
// dashboard's builder validates with the same schema); ids that must belong to the workspace are checked by the
// service and answered on the same field paths (body.rules.rules.2.communityIds.0).

export const segmentParams = workspaceParams.extend({ segmentId: idParam });

const name = z.string().trim().min(1, 'is required').max(120, 'must be at most 120 characters');
const description = z.string().trim().max(1_000, 'must be at most 1,000 characters');

export const segmentInput = z.object({ name, description: description.optional(), rules: segmentRule });
export type SegmentInput = z.infer<typeof segmentInput>;

export const segmentPatch = z
  .object({ name: name.optional(), description: description.optional(), rules: segmentRule.optional() })
  .refine((body) => body.name !== undefined || body.description !== undefined || body.rules !== undefined, {
    message: 'must change the name, the description or the rules',
  });
export type SegmentPatch = z.infer<typeof segmentPatch>;

export const previewInput = z.object({ rules: segmentRule });

/** A member as a segment lists them: enough to recognise them, the phone number masked. */
export const segmentMember = z.object({
  id: z.number(),
  name: z.string().describe('First and last name; empty when the member gave none'),
  phoneLast4: z.string().nullable().describe('The last 4 digits of the phone number, for "••• 0123"'),
  communityCount: z.number().describe('Communities the member is an active member of'),
  engagementScore: z.number(),
  lastActiveAt: z.string().nullable(),
});
export type SegmentMemberView = z.infer<typeof segmentMember>;

export const segmentView = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  rules: segmentRule,
  /** The rules in one sentence, with community, action and broadcast names. */
  summary: z.string(),
  lastCount: z.number().nullable().describe('Members matching when last counted'),
  lastCountedAt: z.string().nullable(),
  createdBy: z.number().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SegmentView = z.infer<typeof segmentView>;

export const previewView = z.object({
  count: z.number().describe('Live members of the workspace matching the rules, now'),
  sample: z.array(segmentMember).describe('The 20 newest matching members'),
  summary: z.string(),
});

export const membersQuery = z.object({
  cursor: z
    .string()
    .regex(/^\d{1,15}$/, 'must be the nextCursor of the previous page')
    .transform(Number)
    .optional(),
  limit: z.coerce.number({ error: 'must be a number' }).int().min(1, 'must be at least 1').max(500, 'must be at most 500').default(100),
});

export const membersPage = z.object({ members: z.array(segmentMember), nextCursor: z.string().nullable() });

export const snapshotView = z.object({
  id: z.number(),
  segmentId: z.number().nullable(),
  memberCount: z.number(),
  createdAt: z.string(),
});
