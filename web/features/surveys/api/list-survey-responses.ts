import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { surveysKeys } from './keys.ts';

export const RESPONSE_STATUSES = ['in_progress', 'completed', 'handed_off', 'stopped'] as const;

const responseSchema = z.object({
  id: z.number(),
  memberId: z.number(),
  memberName: z.string(),
  status: z.enum(RESPONSE_STATUSES),
  channel: z.enum(['sms', 'web']),
  currentQuestionId: z.number().nullable(),
  startedAt: z.number(),
  completedAt: z.number().nullable(),
  answers: z.array(z.object({ questionId: z.number(), value: z.string(), label: z.string(), raw: z.string(), answeredAt: z.number() })),
});
export type SurveyResponse = z.infer<typeof responseSchema>;

const pageSchema = z.object({ responses: z.array(responseSchema), nextCursor: z.number().nullable() });

function listSurveyResponses(workspaceId: string, surveyId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/surveys/${surveyId}/responses`, pageSchema, { signal, query: { limit: 100 } });
}

/** The newest 100 responses with their answers; refreshed every 5 s while the survey is open. */
export function useSurveyResponses(workspaceId: string, surveyId: string, live: boolean) {
  return useQuery({
    queryKey: surveysKeys.responses(workspaceId, surveyId),
    queryFn: ({ signal }) => listSurveyResponses(workspaceId, surveyId, signal),
    refetchInterval: live ? 5_000 : false,
  });
}
