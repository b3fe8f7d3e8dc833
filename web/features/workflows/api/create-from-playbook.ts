import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { workflowSchema } from './get-workflow.ts';
import { storeWorkflow } from './save-workflow.ts';

export type PlaybookDraftInput = { playbook: string; name?: string; params: Record<string, unknown> };

/** Creates a draft workflow from a playbook of common/playbooks.ts and its parameters (400 names `params.<key>`). */
export function useCreateFromPlaybook(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: PlaybookDraftInput) =>
      apiRequest(`/api/workspaces/${workspaceId}/workflows/from-playbook`, workflowSchema, { method: 'POST', body: input }),
    onSuccess: (workflow) => storeWorkflow(queryClient, workspaceId, workflow),
  });
}
