import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { petitionsKeys } from './keys.ts';

const resultsSchema = z.object({
  signatures: z.number(),
  goal: z.number().nullable(),
  recent: z.array(
    z.object({
      id: z.number(),
      memberId: z.number(),
      name: z.string(),
      postalCode: z.string().nullable(),
      comment: z.string().nullable(),
      public: z.boolean(),
      source: z.string().nullable(),
      createdAt: z.number(),
    }),
  ),
  perDay: z.array(z.object({ day: z.string(), count: z.number() })),
});

/** The live count and the latest signatures, refreshed every 5 s. */
export function usePetitionResults(workspaceId: string, actionId: string) {
  return useQuery({
    queryKey: petitionsKeys.results(workspaceId, actionId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/petitions/${actionId}/results`, resultsSchema, { signal }),
    refetchInterval: 5_000,
  });
}
