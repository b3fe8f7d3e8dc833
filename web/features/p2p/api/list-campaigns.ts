import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { p2pKeys } from './keys.ts';

export const P2P_STATUSES = ['draft', 'loading', 'active', 'paused', 'closed'] as const;
export const statusSchema = z.enum(P2P_STATUSES);
export type P2pStatus = z.infer<typeof statusSchema>;

export const campaignSummarySchema = z.object({
  id: z.number(),
  name: z.string(),
  status: statusSchema,
  contactCount: z.number(),
  sentCount: z.number(),
  skippedCount: z.number(),
  repliedCount: z.number(),
  optedOutCount: z.number(),
  createdAt: z.number(),
  launchedAt: z.number().nullable(),
  closedAt: z.number().nullable(),
});

const listSchema = z.object({ campaigns: z.array(campaignSummarySchema) });

function listCampaigns(workspaceId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/p2p/campaigns`, listSchema, { signal });
}

/** Every P2P campaign of the workspace (organizers), refreshed every 5 s while one loads or is texted. */
export function useP2pCampaigns(workspaceId: string, enabled: boolean) {
  return useQuery({
    queryKey: p2pKeys.list(workspaceId),
    queryFn: ({ signal }) => listCampaigns(workspaceId, signal),
    select: (data) => data.campaigns,
    enabled,
    refetchInterval: (query) => (query.state.data?.campaigns.some((c) => c.status === 'loading' || c.status === 'active') ? 5_000 : false),
  });
}
