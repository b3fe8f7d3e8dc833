import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { petitionsKeys } from './keys.ts';

export const PETITION_STATUSES = ['draft', 'published', 'closed'] as const;
export type PetitionStatus = (typeof PETITION_STATUSES)[number];

export const petitionSummarySchema = z.object({
  id: z.number(),
  title: z.string(),
  slug: z.string(),
  status: z.enum(PETITION_STATUSES),
  goal: z.number().nullable(),
  signatures: z.number(),
  url: z.string(),
  createdAt: z.number(),
  publishedAt: z.number().nullable(),
});

const listSchema = z.object({ petitions: z.array(petitionSummarySchema) });

/** Every petition, newest first; refreshed every 10 s so the counts move. */
export function usePetitions(workspaceId: string) {
  return useQuery({
    queryKey: petitionsKeys.list(workspaceId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/petitions`, listSchema, { signal }),
    refetchInterval: 10_000,
  });
}
