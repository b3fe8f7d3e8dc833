import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { segmentRule } from '../../../../common/segments.ts';
import { apiRequest } from '../../../lib/api-client.ts';
import { segmentsKeys } from './keys.ts';

export const segmentSchema = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  rules: segmentRule,
  /** The rules in one sentence, with the names of the communities, actions and broadcasts they refer to. */
  summary: z.string(),
  lastCount: z.number().nullable(),
  lastCountedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export type Segment = z.infer<typeof segmentSchema>;

/** One saved segment with its rule tree. */
export function useSegment(workspaceId: string, segmentId: string, enabled = true) {
  return useQuery({
    queryKey: segmentsKeys.detail(workspaceId, segmentId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/segments/${segmentId}`, segmentSchema, { signal }),
    enabled,
  });
}
