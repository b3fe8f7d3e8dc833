import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { inboxKeys } from './keys.ts';
import { conversationSchema } from './list-conversations.ts';

export type ConversationPatch = { status?: 'open' | 'closed'; assigneeId?: number | null; needsResponse?: boolean };

function updateConversation(workspaceId: string, conversationId: number, patch: ConversationPatch) {
  return apiRequest(`/api/workspaces/${workspaceId}/conversations/${conversationId}`, conversationSchema, { method: 'PATCH', body: patch });
}

/** Close, reopen, assign or release a conversation. */
export function useUpdateConversation(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: { conversationId: number; patch: ConversationPatch }) =>
      updateConversation(workspaceId, args.conversationId, args.patch),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: inboxKeys.all(workspaceId) }),
  });
}
