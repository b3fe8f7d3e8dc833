import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { keywordsKeys } from './keys.ts';

const schema = z.object({ surveys: z.array(z.object({ id: z.number(), name: z.string(), status: z.string() })) });

/** Surveys a keyword can start, as select options (closed ones marked: texting the word then answers politely). */
export function useTargetSurveys(workspaceId: string, enabled: boolean) {
  return useQuery({
    queryKey: keywordsKeys.surveys(workspaceId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/surveys`, schema, { signal }),
    enabled,
    select: (data) =>
      data.surveys
        .map((survey) => ({
          value: String(survey.id),
          label: survey.status === 'open' ? survey.name : `${survey.name} (${survey.status})`,
        }))
        .sort((a, b) => a.label.localeCompare(b.label)),
  });
}
