import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { surveySchema } from './get-survey.ts';
import { surveysKeys } from './keys.ts';

/** A question as the builder writes it: choice labels become options A, B, C … */
export type QuestionInput = { kind: string; prompt: string; choices?: string[]; min?: number; max?: number };
export type SurveyInput = { name: string; intro?: string; outro?: string; questions?: QuestionInput[] };

function createSurvey(workspaceId: string, input: SurveyInput) {
  return apiRequest(`/api/workspaces/${workspaceId}/surveys`, surveySchema, { method: 'POST', body: input });
}

/** Creates a draft survey. */
export function useCreateSurvey(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: SurveyInput) => createSurvey(workspaceId, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: surveysKeys.list(workspaceId) }),
  });
}
