import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import type { SurveyInput } from './create-survey.ts';
import { surveySchema } from './get-survey.ts';
import { surveysKeys } from './keys.ts';

function updateSurvey(workspaceId: string, surveyId: string, patch: Partial<SurveyInput>) {
  return apiRequest(`/api/workspaces/${workspaceId}/surveys/${surveyId}`, surveySchema, { method: 'PATCH', body: patch });
}

/** Saves the builder: name, intro, outro and (until someone answers) the questions. */
export function useUpdateSurvey(workspaceId: string, surveyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: Partial<SurveyInput>) => updateSurvey(workspaceId, surveyId, patch),
    onSuccess: (survey) => {
      queryClient.setQueryData(surveysKeys.detail(workspaceId, surveyId), survey);
      return queryClient.invalidateQueries({ queryKey: surveysKeys.all(workspaceId) });
    },
  });
}
