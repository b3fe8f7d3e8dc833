import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { surveysKeys } from './keys.ts';

function deleteSurvey(workspaceId: string, surveyId: string) {
  return apiRequest(`/api/workspaces/${workspaceId}/surveys/${surveyId}`, null, { method: 'DELETE' });
}

/** Deletes a draft survey (open and closed ones keep their results). */
export function useDeleteSurvey(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (surveyId: string) => deleteSurvey(workspaceId, surveyId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: surveysKeys.list(workspaceId) }),
  });
}
