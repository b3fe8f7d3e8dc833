import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { WorkflowDefinition } from '../../../../common/workflows.ts';
import { apiRequest } from '../../../lib/api-client.ts';
import { type Workflow, workflowSchema } from './get-workflow.ts';
import { workflowsKeys } from './keys.ts';

export type WorkflowInput = { name: string; description: string; definition: WorkflowDefinition };

/** Creates a draft workflow (workflowId null) or saves the name and draft definition of an existing one. */
export function useSaveWorkflow(workspaceId: string, workflowId: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: WorkflowInput) =>
      workflowId === null
        ? apiRequest(`/api/workspaces/${workspaceId}/workflows`, workflowSchema, { method: 'POST', body: input })
        : apiRequest(`/api/workspaces/${workspaceId}/workflows/${workflowId}`, workflowSchema, { method: 'PATCH', body: input }),
    onSuccess: (workflow) => storeWorkflow(queryClient, workspaceId, workflow),
  });
}

/** Puts a workflow the server answered with in the cache, and refreshes the lists. */
export function storeWorkflow(queryClient: ReturnType<typeof useQueryClient>, workspaceId: string, workflow: Workflow) {
  queryClient.setQueryData(workflowsKeys.detail(workspaceId, String(workflow.id)), workflow);
  return queryClient.invalidateQueries({ queryKey: workflowsKeys.list(workspaceId) });
}
