import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { tagsSchema } from './add-tag.ts';
import { inboxKeys } from './keys.ts';

function removeTag(workspaceId: string, conversationId: number, tag: string) {
  return apiRequest(`/api/workspaces/${workspaceId}/conversations/${conversationId}/tags/${encodeURIComponent(tag)}`, tagsSchema, {
    method: 'DELETE',
  });
}

export function useRemoveTag(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: { conversationId: number; tag: string }) => removeTag(workspaceId, args.conversationId, args.tag),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: inboxKeys.all(workspaceId) }),
  });
}
