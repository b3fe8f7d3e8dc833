import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { sharesKeys } from './keys.ts';

const resultsSchema = z.object({
  shares: z.number(),
  sharers: z.number(),
  signups: z.number(),
  perNetwork: z.array(z.object({ network: z.string(), shares: z.number(), signups: z.number() })),
  topSharers: z.array(z.object({ memberId: z.number(), name: z.string(), shares: z.number(), signups: z.number() })),
});

/** Taps per network, sign-ups they brought and the top sharers, refreshed every 5 s. */
export function useShareResults(workspaceId: string, shareId: string) {
  return useQuery({
    queryKey: sharesKeys.results(workspaceId, shareId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/shares/${shareId}/results`, resultsSchema, { signal }),
    refetchInterval: 5_000,
  });
}
