import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { workflowSchema } from './get-workflow.ts';
import { workflowsKeys } from './keys.ts';
import { storeWorkflow } from './save-workflow.ts';

export type StatusAction = 'publish' | 'pause' | 'resume' | 'archive';

/** Publishes the draft as a new version, or pauses, resumes or archives the workflow. */
export function useChangeWorkflowStatus(workspaceId: string, workflowId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: StatusAction) =>
      apiRequest(`/api/workspaces/${workspaceId}/workflows/${workflowId}/${action}`, workflowSchema, { method: 'POST' }),
    onSuccess: async (workflow) => {
      await storeWorkflow(queryClient, workspaceId, workflow);
      // Archiving ends runs; publishing starts a version the report may now show.
      return queryClient.invalidateQueries({ queryKey: workflowsKeys.detail(workspaceId, workflowId) });
    },
  });
}
