import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { surveysKeys } from './keys.ts';
import { surveySendSchema } from './list-survey-sends.ts';

function cancelSurveySend(workspaceId: string, surveyId: string, sendId: number) {
  return apiRequest(`/api/workspaces/${workspaceId}/surveys/${surveyId}/sends/${sendId}/cancel`, surveySendSchema, { method: 'POST' });
}

/** Stops a running send after the batch in progress; members already asked keep their survey. */
export function useCancelSurveySend(workspaceId: string, surveyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (sendId: number) => cancelSurveySend(workspaceId, surveyId, sendId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: surveysKeys.sends(workspaceId, surveyId) }),
  });
}
