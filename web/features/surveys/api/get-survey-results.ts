import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { QUESTION_KINDS } from './get-survey.ts';
import { surveysKeys } from './keys.ts';
import { SURVEY_STATUSES } from './list-surveys.ts';

const textAnswerSchema = z.object({
  id: z.number(),
  memberId: z.number(),
  memberName: z.string(),
  text: z.string(),
  answeredAt: z.number(),
});

export const resultsSchema = z.object({
  surveyId: z.number(),
  status: z.enum(SURVEY_STATUSES),
  startedCount: z.number(),
  completedCount: z.number(),
  handedOffCount: z.number(),
  inProgressCount: z.number(),
  questions: z.array(
    z.object({
      questionId: z.number(),
      position: z.number(),
      kind: z.enum(QUESTION_KINDS),
      prompt: z.string(),
      answered: z.number(),
      tallies: z.array(z.object({ value: z.string(), label: z.string(), count: z.number(), percent: z.number() })),
      average: z.number().nullable(),
      nps: z.number().nullable(),
      recentAnswers: z.array(textAnswerSchema),
    }),
  ),
});
export type SurveyResults = z.infer<typeof resultsSchema>;

function getSurveyResults(workspaceId: string, surveyId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/surveys/${surveyId}/results`, resultsSchema, { signal });
}

/** Live results: refreshed every 3 s while the survey is open. */
export function useSurveyResults(workspaceId: string, surveyId: string) {
  return useQuery({
    queryKey: surveysKeys.results(workspaceId, surveyId),
    queryFn: ({ signal }) => getSurveyResults(workspaceId, surveyId, signal),
    refetchInterval: (query) => (query.state.data?.status === 'open' ? 3_000 : false),
  });
}
