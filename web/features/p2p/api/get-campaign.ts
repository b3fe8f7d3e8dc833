import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { p2pKeys } from './keys.ts';
import { campaignSummarySchema } from './list-campaigns.ts';

export const answerSchema = z.object({ key: z.string(), label: z.string(), tag: z.string().nullable(), reply: z.string().nullable() });
export const scriptSchema = z.object({
  initial: z.string(),
  question: z.string().nullable(),
  answers: z.array(answerSchema),
  responses: z.array(z.object({ title: z.string(), body: z.string() })),
});
export type Script = z.infer<typeof scriptSchema>;

export const campaignSchema = campaignSummarySchema.extend({
  audience: z.object({ communityIds: z.array(z.number()), tags: z.array(z.string()) }),
  senderId: z.number().nullable(),
  script: scriptSchema,
  batchSize: z.number(),
  updatedAt: z.number(),
  stats: z.object({
    contacts: z.number(),
    pending: z.number(),
    assigned: z.number(),
    sent: z.number(),
    skipped: z.number(),
    replied: z.number(),
    optedOut: z.number(),
    answers: z.record(z.string(), z.number()),
    texters: z.array(z.object({ userId: z.number(), name: z.string(), assigned: z.number(), sent: z.number() })),
  }),
});
export type Campaign = z.infer<typeof campaignSchema>;

function getCampaign(workspaceId: string, campaignId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/p2p/campaigns/${campaignId}`, campaignSchema, { signal });
}

/** One campaign with its script and stats; every 3 s while contacts load or texters send. */
export function useP2pCampaign(workspaceId: string, campaignId: string | undefined) {
  return useQuery({
    queryKey: p2pKeys.detail(workspaceId, campaignId ?? ''),
    queryFn: ({ signal }) => getCampaign(workspaceId, campaignId as string, signal),
    enabled: campaignId !== undefined,
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return status === 'loading' || status === 'active' ? 3_000 : false;
    },
  });
}
