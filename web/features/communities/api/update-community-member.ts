import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { communitiesKeys } from './keys.ts';
import type { MembershipRole, MembershipStatus } from './list-community-members.ts';

export type MembershipPatch = { role?: MembershipRole; status?: MembershipStatus };

function updateCommunityMember(workspaceId: string, communityId: string, memberId: number, patch: MembershipPatch) {
  return apiRequest(`/api/workspaces/${workspaceId}/communities/${communityId}/members/${memberId}`, z.unknown(), {
    method: 'PATCH',
    body: patch,
  });
}

/** Changes a member's role, or approves a pending request (`status: 'active'`). */
export function useUpdateCommunityMember(workspaceId: string, communityId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { memberId: number; patch: MembershipPatch }) =>
      updateCommunityMember(workspaceId, communityId, input.memberId, input.patch),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: communitiesKeys.all(workspaceId) }),
        queryClient.invalidateQueries({ queryKey: communitiesKeys.memberProfiles(workspaceId) }),
      ]),
  });
}
