import { useQuery } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { communitiesKeys } from './keys.ts';
import { communitySchema } from './list-communities.ts';

function getCommunity(workspaceId: string, communityId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/communities/${communityId}`, communitySchema, { signal });
}

export function useCommunity(workspaceId: string, communityId: string) {
  return useQuery({
    queryKey: communitiesKeys.detail(workspaceId, communityId),
    queryFn: ({ signal }) => getCommunity(workspaceId, communityId, signal),
  });
}
