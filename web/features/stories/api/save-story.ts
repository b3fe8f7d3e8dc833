import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { storySchema } from './get-story.ts';
import { storiesKeys } from './keys.ts';

export type StoryInput = {
  title: string;
  slug?: string;
  summary: string;
  description: string;
  prompt: string;
  askPhoto: boolean;
  publishWording: string | null;
  consentWording: string | null;
  shareText: string;
};

/** Creates a draft story action (actionId null) or saves an existing one. */
export function useSaveStory(workspaceId: string, actionId: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: StoryInput) =>
      actionId === null
        ? apiRequest(`/api/workspaces/${workspaceId}/stories`, storySchema, { method: 'POST', body: input })
        : apiRequest(`/api/workspaces/${workspaceId}/stories/${actionId}`, storySchema, { method: 'PATCH', body: input }),
    onSuccess: (story) => {
      queryClient.setQueryData(storiesKeys.detail(workspaceId, String(story.id)), story);
      return queryClient.invalidateQueries({ queryKey: storiesKeys.all(workspaceId) });
    },
  });
}
