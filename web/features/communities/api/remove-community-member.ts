import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { communitiesKeys } from './keys.ts';

function removeCommunityMember(workspaceId: string, communityId: string, memberId: number) {
  return apiRequest(`/api/workspaces/${workspaceId}/communities/${communityId}/members/${memberId}`, null, { method: 'DELETE' });
}

/** Takes a member out of the community (the membership is kept as `left`; their history stays). */
export function useRemoveCommunityMember(workspaceId: string, communityId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (memberId: number) => removeCommunityMember(workspaceId, communityId, memberId),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: communitiesKeys.all(workspaceId) }),
        queryClient.invalidateQueries({ queryKey: communitiesKeys.memberProfiles(workspaceId) }),
      ]),
  });
}
