import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { workflowsKeys } from './keys.ts';

const resultSchema = z.object({ enrolled: z.number(), heldOut: z.number(), skipped: z.number() });
export type EnrollResult = z.infer<typeof resultSchema>;

/** Enrolls every member of a saved segment (the enrollment rule and the holdout apply). */
export function useEnrollSegment(workspaceId: string, workflowId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (segmentId: number) =>
      apiRequest(`/api/workspaces/${workspaceId}/workflows/${workflowId}/enroll`, resultSchema, { method: 'POST', body: { segmentId } }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: workflowsKeys.all(workspaceId) }),
  });
}
