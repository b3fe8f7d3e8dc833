import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import type { BroadcastInput } from './create-broadcast.ts';
import { broadcastSchema } from './get-broadcast.ts';
import { messagesKeys } from './keys.ts';

function updateBroadcast(workspaceId: string, broadcastId: string, patch: Partial<BroadcastInput>) {
  return apiRequest(`/api/workspaces/${workspaceId}/broadcasts/${broadcastId}`, broadcastSchema, { method: 'PATCH', body: patch });
}

/** Changes a draft or a scheduled broadcast. */
export function useUpdateBroadcast(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: { broadcastId: string; patch: Partial<BroadcastInput> }) =>
      updateBroadcast(workspaceId, args.broadcastId, args.patch),
    onSuccess: (broadcast) => {
      queryClient.setQueryData(messagesKeys.detail(workspaceId, String(broadcast.id)), broadcast);
      return queryClient.invalidateQueries({ queryKey: [...messagesKeys.broadcasts(workspaceId), 'list'] });
    },
  });
}
