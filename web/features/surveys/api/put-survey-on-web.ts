import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { surveySchema } from './get-survey.ts';
import { surveysKeys } from './keys.ts';

function putSurveyOnWeb(workspaceId: string, surveyId: string) {
  return apiRequest(`/api/workspaces/${workspaceId}/surveys/${surveyId}/web`, surveySchema, { method: 'POST' });
}

/** Puts an open survey on the web: its public page is created (or the existing one returned). */
export function usePutSurveyOnWeb(workspaceId: string, surveyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => putSurveyOnWeb(workspaceId, surveyId),
    onSuccess: (survey) => {
      queryClient.setQueryData(surveysKeys.detail(workspaceId, surveyId), survey);
      return queryClient.invalidateQueries({ queryKey: surveysKeys.all(workspaceId) });
    },
  });
}
