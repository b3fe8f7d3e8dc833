import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { broadcastSchema } from './get-broadcast.ts';
import { messagesKeys } from './keys.ts';

function launchBroadcast(workspaceId: string, broadcastId: string) {
  return apiRequest(`/api/workspaces/${workspaceId}/broadcasts/${broadcastId}/launch`, broadcastSchema, { method: 'POST' });
}

/** Launches a draft: it is scheduled, or starts preparing the recipient list at once. */
export function useLaunchBroadcast(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (broadcastId: string) => launchBroadcast(workspaceId, broadcastId),
    onSuccess: (broadcast) => {
      queryClient.setQueryData(messagesKeys.detail(workspaceId, String(broadcast.id)), broadcast);
      return queryClient.invalidateQueries({ queryKey: [...messagesKeys.broadcasts(workspaceId), 'list'] });
    },
  });
}
