import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { storySchema } from './get-story.ts';
import { storiesKeys } from './keys.ts';

/** Publishes (or reopens) a story action, or closes it; deletes a draft. */
export function useSetStoryStatus(workspaceId: string, actionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (action: 'publish' | 'close' | 'delete') => {
      const path = `/api/workspaces/${workspaceId}/stories/${actionId}`;
      if (action === 'delete') {
        await apiRequest(path, null, { method: 'DELETE' });
        return null;
      }
      return apiRequest(`${path}/${action}`, storySchema, { method: 'POST' });
    },
    onSuccess: (story) => {
      if (story) queryClient.setQueryData(storiesKeys.detail(workspaceId, actionId), story);
      return queryClient.invalidateQueries({ queryKey: storiesKeys.all(workspaceId) });
    },
  });
}
