import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { p2pKeys } from './keys.ts';
import { statusSchema } from './list-campaigns.ts';

const contactSchema = z.object({
  id: z.number(),
  memberId: z.number(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  body: z.string(),
});

const queueSchema = z.object({
  campaign: z.object({ id: z.number(), name: z.string(), status: statusSchema }),
  contacts: z.array(contactSchema),
  waiting: z.number(),
  nextWindowAt: z.number().nullable(),
  batch: z.object({ size: z.number(), sent: z.number(), skipped: z.number() }),
  available: z.number(),
  answers: z.array(z.object({ key: z.string(), label: z.string() })),
});
export type Queue = z.infer<typeof queueSchema>;

function getQueue(workspaceId: string, campaignId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/p2p/campaigns/${campaignId}/queue`, queueSchema, { signal });
}

/**
 * My contacts to text now, each with its initial rendered: the whole batch at once, so the next contact is on screen
 * the moment one is sent. Not refetched on focus: the screen keeps its own progress while sends are in flight.
 */
export function useQueue(workspaceId: string, campaignId: string) {
  return useQuery({
    queryKey: p2pKeys.queue(workspaceId, campaignId),
    queryFn: ({ signal }) => getQueue(workspaceId, campaignId, signal),
    refetchOnWindowFocus: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
}
