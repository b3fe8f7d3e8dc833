import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import type { CommunityInput } from './create-community.ts';
import { communitiesKeys } from './keys.ts';
import { communitySchema } from './list-communities.ts';

export type CommunityPatch = Partial<CommunityInput> & { archived?: boolean };

function updateCommunity(workspaceId: string, communityId: string, patch: CommunityPatch) {
  return apiRequest(`/api/workspaces/${workspaceId}/communities/${communityId}`, communitySchema, { method: 'PATCH', body: patch });
}

export function useUpdateCommunity(workspaceId: string, communityId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: CommunityPatch) => updateCommunity(workspaceId, communityId, patch),
    onSuccess: (community) => {
      queryClient.setQueryData(communitiesKeys.detail(workspaceId, communityId), community);
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: communitiesKeys.all(workspaceId) }),
        queryClient.invalidateQueries({ queryKey: communitiesKeys.memberProfiles(workspaceId) }),
      ]);
    },
  });
}
