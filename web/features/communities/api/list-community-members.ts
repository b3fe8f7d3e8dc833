import { useInfiniteQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { communitiesKeys } from './keys.ts';

export const MEMBERSHIP_STATUSES = ['active', 'pending', 'left'] as const;
export type MembershipStatus = (typeof MEMBERSHIP_STATUSES)[number];
export const MEMBERSHIP_ROLES = ['member', 'leader', 'mentor'] as const;
export type MembershipRole = (typeof MEMBERSHIP_ROLES)[number];

const communityMemberSchema = z.object({
  memberId: z.number(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  phone: z.string().nullable(),
  role: z.enum(MEMBERSHIP_ROLES),
  status: z.enum(MEMBERSHIP_STATUSES),
  source: z.string().nullable(),
  joinedAt: z.string().nullable(),
  leftAt: z.string().nullable(),
});

const pageSchema = z.object({ members: z.array(communityMemberSchema), nextCursor: z.string().nullable() });

export type CommunityMember = z.infer<typeof communityMemberSchema>;

const PAGE_SIZE = 50;

function listCommunityMembers(
  workspaceId: string,
  communityId: string,
  status: MembershipStatus,
  cursor: string | undefined,
  signal: AbortSignal,
) {
  return apiRequest(`/api/workspaces/${workspaceId}/communities/${communityId}/members`, pageSchema, {
    signal,
    query: { status, cursor, limit: PAGE_SIZE },
  });
}

/** The community's members with one status, 50 at a time (`fetchNextPage` for more). */
export function useCommunityMembers(workspaceId: string, communityId: string, status: MembershipStatus) {
  return useInfiniteQuery({
    queryKey: communitiesKeys.members(workspaceId, communityId, status),
    queryFn: ({ pageParam, signal }) => listCommunityMembers(workspaceId, communityId, status, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
  });
}
