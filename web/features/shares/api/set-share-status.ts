import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { shareSchema } from './get-share.ts';
import { sharesKeys } from './keys.ts';

/** Publishes (or reopens) a share action, or closes it; deletes a draft. */
export function useSetShareStatus(workspaceId: string, shareId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (action: 'publish' | 'close' | 'delete') => {
      const path = `/api/workspaces/${workspaceId}/shares/${shareId}`;
      if (action === 'delete') {
        await apiRequest(path, null, { method: 'DELETE' });
        return null;
      }
      return apiRequest(`${path}/${action}`, shareSchema, { method: 'POST' });
    },
    onSuccess: (share) => {
      if (share) queryClient.setQueryData(sharesKeys.detail(workspaceId, shareId), share);
      return queryClient.invalidateQueries({ queryKey: sharesKeys.all(workspaceId) });
    },
  });
}
