import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { messagesKeys } from './keys.ts';

export const MAX_TEST_PHONES = 5;

const answerSchema = z.object({ queued: z.number() });

function sendTest(workspaceId: string, broadcastId: string, phones: string[]) {
  return apiRequest(`/api/workspaces/${workspaceId}/broadcasts/${broadcastId}/test`, answerSchema, {
    method: 'POST',
    body: { phones },
  });
}

/** Sends the saved message to up to five phones, outside the audience and its counters. */
export function useSendTest(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: { broadcastId: string; phones: string[] }) => sendTest(workspaceId, args.broadcastId, args.phones),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: messagesKeys.messages(workspaceId) }),
  });
}
