import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { surveysKeys } from './keys.ts';
import { surveySummarySchema } from './list-surveys.ts';

export const QUESTION_KINDS = ['choice', 'scale', 'nps', 'text', 'yes_no'] as const;
export type QuestionKind = (typeof QUESTION_KINDS)[number];

export const questionSchema = z.object({
  id: z.number(),
  position: z.number(),
  kind: z.enum(QUESTION_KINDS),
  prompt: z.string(),
  choices: z.array(z.object({ key: z.string(), label: z.string() })),
  min: z.number().nullable(),
  max: z.number().nullable(),
  smsText: z.string(),
});
export type Question = z.infer<typeof questionSchema>;

export const surveySchema = surveySummarySchema.extend({
  intro: z.string(),
  outro: z.string(),
  questions: z.array(questionSchema),
  keywords: z.array(z.string()),
  answered: z.boolean(),
  /** The public page where the survey is answered on the web; null until it is put on the web. */
  webPath: z.string().nullable(),
  webUrl: z.string().nullable(),
});
export type Survey = z.infer<typeof surveySchema>;

function getSurvey(workspaceId: string, surveyId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/surveys/${surveyId}`, surveySchema, { signal });
}

/** One survey with its questions and keywords; its counters refresh every 5 s while it is open. */
export function useSurvey(workspaceId: string, surveyId: string) {
  return useQuery({
    queryKey: surveysKeys.detail(workspaceId, surveyId),
    queryFn: ({ signal }) => getSurvey(workspaceId, surveyId, signal),
    refetchInterval: (query) => (query.state.data?.status === 'open' ? 5_000 : false),
  });
}
