import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { workflowsKeys } from './keys.ts';

/** Deletes a workflow that was never published. */
export function useDeleteWorkflow(workspaceId: string, workflowId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest(`/api/workspaces/${workspaceId}/workflows/${workflowId}`, null, { method: 'DELETE' }),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: workflowsKeys.detail(workspaceId, workflowId) });
      return queryClient.invalidateQueries({ queryKey: workflowsKeys.list(workspaceId) });
    },
  });
}
