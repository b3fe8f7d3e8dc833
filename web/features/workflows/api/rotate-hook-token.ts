import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { workflowsKeys } from './keys.ts';

const tokenSchema = z.object({ token: z.string(), url: z.string() });

/** A new secret URL for the inbound-webhook trigger, shown once; the previous one stops working. */
export function useRotateHookToken(workspaceId: string, workflowId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiRequest(`/api/workspaces/${workspaceId}/workflows/${workflowId}/hook-token`, tokenSchema, { method: 'POST' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: workflowsKeys.detail(workspaceId, workflowId) }),
  });
}
