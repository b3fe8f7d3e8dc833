import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { keywordsKeys } from './keys.ts';

function deleteKeyword(workspaceId: string, keywordId: number) {
  return apiRequest(`/api/workspaces/${workspaceId}/keywords/${keywordId}`, null, { method: 'DELETE' });
}

/** Deletes a keyword; a community's join keyword leaves the community too. */
export function useDeleteKeyword(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (keywordId: number) => deleteKeyword(workspaceId, keywordId),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: keywordsKeys.all(workspaceId) }),
        queryClient.invalidateQueries({ queryKey: keywordsKeys.communityScreens(workspaceId) }),
      ]),
  });
}
