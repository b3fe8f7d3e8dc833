import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { callSchema } from './get-call.ts';
import { callsKeys } from './keys.ts';

/** Publishes (or reopens) a call, or closes it. */
export function useSetCallStatus(workspaceId: string, callId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (verb: 'publish' | 'close') =>
      apiRequest(`/api/workspaces/${workspaceId}/calls/${callId}/${verb}`, callSchema, { method: 'POST' }),
    onSuccess: (call) => {
      queryClient.setQueryData(callsKeys.detail(workspaceId, callId), call);
      return queryClient.invalidateQueries({ queryKey: callsKeys.all(workspaceId) });
    },
  });
}
