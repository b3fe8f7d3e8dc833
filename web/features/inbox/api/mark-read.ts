import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { inboxKeys } from './keys.ts';
import { conversationSchema } from './list-conversations.ts';

function markRead(workspaceId: string, conversationId: number) {
  return apiRequest(`/api/workspaces/${workspaceId}/conversations/${conversationId}/read`, conversationSchema, { method: 'POST' });
}

/** Clears the unread badge of a conversation the person opened. */
export function useMarkRead(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (conversationId: number) => markRead(workspaceId, conversationId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: inboxKeys.lists(workspaceId) }),
  });
}
