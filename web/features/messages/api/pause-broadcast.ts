import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { broadcastSchema } from './get-broadcast.ts';
import { messagesKeys } from './keys.ts';

function pauseBroadcast(workspaceId: string, broadcastId: string) {
  return apiRequest(`/api/workspaces/${workspaceId}/broadcasts/${broadcastId}/pause`, broadcastSchema, { method: 'POST' });
}

/** Stops sending what is still queued until the broadcast is resumed. */
export function usePauseBroadcast(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (broadcastId: string) => pauseBroadcast(workspaceId, broadcastId),
    onSuccess: (broadcast) => {
      queryClient.setQueryData(messagesKeys.detail(workspaceId, String(broadcast.id)), broadcast);
      return queryClient.invalidateQueries({ queryKey: [...messagesKeys.broadcasts(workspaceId), 'list'] });
    },
  });
}
