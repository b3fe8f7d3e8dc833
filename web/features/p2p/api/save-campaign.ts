import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { type Campaign, campaignSchema, type Script } from './get-campaign.ts';
import { p2pKeys } from './keys.ts';

/** What the campaign form sends; the same body creates a draft and edits it. */
export type CampaignInput = {
  name: string;
  audience: { communityIds: number[]; tags: string[] };
  senderId: number | null;
  script: Script;
  batchSize: number;
};

function saveCampaign(workspaceId: string, campaignId: string | undefined, input: Partial<CampaignInput>) {
  return campaignId === undefined
    ? apiRequest(`/api/workspaces/${workspaceId}/p2p/campaigns`, campaignSchema, { method: 'POST', body: input })
    : apiRequest(`/api/workspaces/${workspaceId}/p2p/campaigns/${campaignId}`, campaignSchema, { method: 'PATCH', body: input });
}

/** Creates a draft (no id yet) or saves changes to a campaign. */
export function useSaveCampaign(workspaceId: string, campaignId: string | undefined) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: Partial<CampaignInput>) => saveCampaign(workspaceId, campaignId, input),
    onSuccess: (campaign: Campaign) => {
      queryClient.setQueryData(p2pKeys.detail(workspaceId, String(campaign.id)), campaign);
      return queryClient.invalidateQueries({ queryKey: p2pKeys.list(workspaceId) });
    },
  });
}
