import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { messagesKeys } from './keys.ts';

const answerSchema = z.object({ messageId: z.number() });

function simulateInbound(workspaceId: string, from: string, body: string) {
  return apiRequest(`/api/workspaces/${workspaceId}/simulator/inbound`, answerSchema, { method: 'POST', body: { from, body } });
}

/** A text "from" a member's phone to the workspace's simulated number, handled like a real inbound text. */
export function useSimulateInbound(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: { from: string; body: string }) => simulateInbound(workspaceId, args.from, args.body),
    // Replies (an opt-out confirmation, the help text) arrive by themselves; the polling picks them up.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: messagesKeys.messages(workspaceId) }),
  });
}
