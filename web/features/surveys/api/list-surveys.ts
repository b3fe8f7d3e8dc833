import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { surveysKeys } from './keys.ts';

export const SURVEY_STATUSES = ['draft', 'open', 'closed'] as const;
export type SurveyStatus = (typeof SURVEY_STATUSES)[number];

export const surveySummarySchema = z.object({
  id: z.number(),
  name: z.string(),
  status: z.enum(SURVEY_STATUSES),
  questionCount: z.number(),
  startedCount: z.number(),
  completedCount: z.number(),
  handedOffCount: z.number(),
  createdAt: z.number(),
  updatedAt: z.number(),
});

const listSchema = z.object({ surveys: z.array(surveySummarySchema) });

function listSurveys(workspaceId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/surveys`, listSchema, { signal });
}

/** Every survey of the workspace, newest first; refreshed every 10 s so the started / completed counts move. */
export function useSurveys(workspaceId: string) {
  return useQuery({
    queryKey: surveysKeys.list(workspaceId),
    queryFn: ({ signal }) => listSurveys(workspaceId, signal),
    refetchInterval: 10_000,
  });
}
