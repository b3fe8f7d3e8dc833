import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { broadcastSchema } from './get-broadcast.ts';
import { messagesKeys } from './keys.ts';

function resendUnknown(workspaceId: string, broadcastId: string) {
  return apiRequest(`/api/workspaces/${workspaceId}/broadcasts/${broadcastId}/resend-unknown`, broadcastSchema, { method: 'POST' });
}

/** Sends again the messages whose outcome is unknown (an organizer's decision: a member may get the text twice). */
export function useResendUnknown(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (broadcastId: string) => resendUnknown(workspaceId, broadcastId),
    onSuccess: (broadcast) => {
      queryClient.setQueryData(messagesKeys.detail(workspaceId, String(broadcast.id)), broadcast);
      return queryClient.invalidateQueries({ queryKey: [...messagesKeys.broadcasts(workspaceId), 'list'] });
    },
  });
}
