import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { broadcastSchema } from './get-broadcast.ts';
import { messagesKeys } from './keys.ts';

function resumeBroadcast(workspaceId: string, broadcastId: string) {
  return apiRequest(`/api/workspaces/${workspaceId}/broadcasts/${broadcastId}/resume`, broadcastSchema, { method: 'POST' });
}

/** Sends what is still queued of a paused broadcast. */
export function useResumeBroadcast(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (broadcastId: string) => resumeBroadcast(workspaceId, broadcastId),
    onSuccess: (broadcast) => {
      queryClient.setQueryData(messagesKeys.detail(workspaceId, String(broadcast.id)), broadcast);
      return queryClient.invalidateQueries({ queryKey: [...messagesKeys.broadcasts(workspaceId), 'list'] });
    },
  });
}
