import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { surveysKeys } from './keys.ts';
import { surveySendSchema } from './list-survey-sends.ts';

/** Who gets the survey: communities (with their sub-communities) and tags; a member in several is asked once. */
export type SendAudience = { communityIds: number[]; tags: string[] };

function sendSurvey(workspaceId: string, surveyId: string, audience: SendAudience) {
  return apiRequest(`/api/workspaces/${workspaceId}/surveys/${surveyId}/send`, surveySendSchema, { method: 'POST', body: audience });
}

/**
 * Starts a send of the first question to the audience's members who agreed to texts, inside their texting hours. The
 * server answers at once with the send; a worker carries it out (useSurveySends follows its progress).
 */
export function useSendSurvey(workspaceId: string, surveyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (audience: SendAudience) => sendSurvey(workspaceId, surveyId, audience),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: surveysKeys.sends(workspaceId, surveyId) }),
  });
}
