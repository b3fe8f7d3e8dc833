import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { threadMessageSchema } from './get-conversation.ts';
import { inboxKeys } from './keys.ts';
import { conversationSchema } from './list-conversations.ts';

const resultSchema = z.object({ message: threadMessageSchema, scheduledFor: z.number().nullable(), conversation: conversationSchema });

export type SendReplyInput = { conversationId: number; body: string; afterMessageId?: number | undefined };

function sendReply(workspaceId: string, input: SendReplyInput) {
  return apiRequest(`/api/workspaces/${workspaceId}/conversations/${input.conversationId}/messages`, resultSchema, {
    method: 'POST',
    body: { body: input.body, afterMessageId: input.afterMessageId },
  });
}

/** Texts the member as the signed-in person (taking the conversation when nobody has it). */
export function useSendReply(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: SendReplyInput) => sendReply(workspaceId, input),
    // A stale or lost answer also means the thread moved on: show it either way.
    onSettled: () => queryClient.invalidateQueries({ queryKey: inboxKeys.all(workspaceId) }),
  });
}
