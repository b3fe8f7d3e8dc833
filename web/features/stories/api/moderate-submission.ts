import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { storiesKeys } from './keys.ts';
import { submissionSchema } from './list-submissions.ts';

export type Decision = { submissionId: number; decision: 'approve' } | { submissionId: number; decision: 'reject'; reason: string };

/** Approves a story (it goes on the public spotlight) or rejects it with a reason (it stays private). */
export function useModerateSubmission(workspaceId: string, actionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: Decision) =>
      apiRequest(
        `/api/workspaces/${workspaceId}/stories/${actionId}/submissions/${input.submissionId}/${input.decision}`,
        submissionSchema,
        { method: 'POST', ...(input.decision === 'reject' ? { body: { reason: input.reason } } : {}) },
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: storiesKeys.all(workspaceId) }),
  });
}
