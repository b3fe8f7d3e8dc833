import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import type { Script } from './get-campaign.ts';
import { p2pKeys } from './keys.ts';

export const previewSchema = z.object({
  recipients: z.object({
    total: z.number(),
    reachable: z.number(),
    noConsent: z.number(),
    optedOut: z.number(),
    noAddress: z.number(),
    landline: z.number(),
  }),
  sample: z.string().nullable(),
  problems: z.array(z.object({ field: z.string(), message: z.string() })),
});

export type PreviewInput = { audience: { communityIds: number[]; tags: string[] }; senderId: number | null; script: Script };

function previewCampaign(workspaceId: string, input: PreviewInput, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/p2p/campaigns/preview`, previewSchema, { method: 'POST', body: input, signal });
}

/** Who the campaign reaches and its initial for a sample member; the last answer stays while the next loads. */
export function useCampaignPreview(workspaceId: string, input: PreviewInput | null) {
  return useQuery({
    queryKey: p2pKeys.preview(workspaceId, input),
    queryFn: ({ signal }) => previewCampaign(workspaceId, input as PreviewInput, signal),
    enabled: input !== null,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}
