import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { surveySchema } from './get-survey.ts';
import { surveysKeys } from './keys.ts';

function setSurveyStatus(workspaceId: string, surveyId: string, action: 'open' | 'close') {
  return apiRequest(`/api/workspaces/${workspaceId}/surveys/${surveyId}/${action}`, surveySchema, { method: 'POST' });
}

/** Opens a survey (keywords and sends start it) or closes it (members in the middle of it are stopped). */
export function useSetSurveyStatus(workspaceId: string, surveyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: 'open' | 'close') => setSurveyStatus(workspaceId, surveyId, action),
    onSuccess: (survey) => {
      queryClient.setQueryData(surveysKeys.detail(workspaceId, surveyId), survey);
      return queryClient.invalidateQueries({ queryKey: surveysKeys.all(workspaceId) });
    },
  });
}
