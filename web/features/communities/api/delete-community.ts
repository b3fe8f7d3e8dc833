import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { communitiesKeys } from './keys.ts';

function deleteCommunity(workspaceId: string, communityId: string) {
  return apiRequest(`/api/workspaces/${workspaceId}/communities/${communityId}`, null, { method: 'DELETE' });
}

export function useDeleteCommunity(workspaceId: string, communityId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => deleteCommunity(workspaceId, communityId),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: communitiesKeys.detail(workspaceId, communityId) });
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: communitiesKeys.all(workspaceId) }),
        queryClient.invalidateQueries({ queryKey: communitiesKeys.memberProfiles(workspaceId) }),
      ]);
    },
  });
}
