import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { segmentsKeys } from './keys.ts';

const segmentSummarySchema = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  summary: z.string(),
  lastCount: z.number().nullable(),
  lastCountedAt: z.string().nullable(),
  updatedAt: z.string(),
});

const listSchema = z.object({ segments: z.array(segmentSummarySchema) });

/** Every saved segment, with the count it had when last counted. */
export function useSegments(workspaceId: string) {
  return useQuery({
    queryKey: segmentsKeys.list(workspaceId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/segments`, listSchema, { signal }),
  });
}
