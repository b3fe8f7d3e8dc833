import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { broadcastSchema } from './get-broadcast.ts';
import { messagesKeys } from './keys.ts';

function cancelBroadcast(workspaceId: string, broadcastId: string) {
  return apiRequest(`/api/workspaces/${workspaceId}/broadcasts/${broadcastId}/cancel`, broadcastSchema, { method: 'POST' });
}

/** Cancels a broadcast for good: nothing more is sent. */
export function useCancelBroadcast(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (broadcastId: string) => cancelBroadcast(workspaceId, broadcastId),
    onSuccess: (broadcast) => {
      queryClient.setQueryData(messagesKeys.detail(workspaceId, String(broadcast.id)), broadcast);
      return queryClient.invalidateQueries({ queryKey: [...messagesKeys.broadcasts(workspaceId), 'list'] });
    },
  });
}
