import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { communitiesKeys } from './keys.ts';
import { communitySchema, type Visibility } from './list-communities.ts';

export type CommunityInput = {
  name: string;
  slug?: string;
  description?: string;
  guidelines?: string;
  visibility: Visibility;
  parentId?: number | null;
  keywords?: string[];
  consentWording?: string | null;
};

function createCommunity(workspaceId: string, input: CommunityInput) {
  return apiRequest(`/api/workspaces/${workspaceId}/communities`, communitySchema, { method: 'POST', body: input });
}

export function useCreateCommunity(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: CommunityInput) => createCommunity(workspaceId, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: communitiesKeys.all(workspaceId) }),
  });
}
