import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { segmentsKeys } from './keys.ts';

/** Deletes a saved segment (its members are untouched). */
export function useDeleteSegment(workspaceId: string, segmentId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest(`/api/workspaces/${workspaceId}/segments/${segmentId}`, null, { method: 'DELETE' }),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: segmentsKeys.detail(workspaceId, segmentId) });
      return queryClient.invalidateQueries({ queryKey: segmentsKeys.list(workspaceId) });
    },
  });
}
