import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { surveysKeys } from './keys.ts';

const sendResultSchema = z.object({
  started: z.number(),
  skipped: z.object({ noConsent: z.number(), alreadyStarted: z.number(), alreadyCompleted: z.number(), notFound: z.number() }),
});
export type SendResult = z.infer<typeof sendResultSchema>;

/** Who gets the survey: communities (with their sub-communities) and tags; a member in several is asked once. */
export type SendAudience = { communityIds: number[]; tags: string[] };

function sendSurvey(workspaceId: string, surveyId: string, audience: SendAudience) {
  return apiRequest(`/api/workspaces/${workspaceId}/surveys/${surveyId}/send`, sendResultSchema, { method: 'POST', body: audience });
}

/** Texts the first question to the audience's members who agreed to texts, inside their texting hours. */
export function useSendSurvey(workspaceId: string, surveyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (audience: SendAudience) => sendSurvey(workspaceId, surveyId, audience),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: surveysKeys.all(workspaceId) }),
  });
}
