import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { noteSchema } from './get-conversation.ts';
import { inboxKeys } from './keys.ts';

function addNote(workspaceId: string, conversationId: number, body: string) {
  return apiRequest(`/api/workspaces/${workspaceId}/conversations/${conversationId}/notes`, noteSchema, { method: 'POST', body: { body } });
}

/** An internal note for the team; never texted. */
export function useAddNote(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: { conversationId: number; body: string }) => addNote(workspaceId, args.conversationId, args.body),
    onSuccess: (_note, args) => queryClient.invalidateQueries({ queryKey: inboxKeys.detail(workspaceId, String(args.conversationId)) }),
  });
}
