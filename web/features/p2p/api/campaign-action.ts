import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { campaignSchema } from './get-campaign.ts';
import { p2pKeys } from './keys.ts';

export type CampaignAction = 'launch' | 'pause' | 'resume' | 'close';

function runAction(workspaceId: string, campaignId: string, action: CampaignAction) {
  return apiRequest(`/api/workspaces/${workspaceId}/p2p/campaigns/${campaignId}/${action}`, campaignSchema, { method: 'POST' });
}

/** Launch, pause, resume or close a campaign. */
export function useCampaignAction(workspaceId: string, campaignId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: CampaignAction) => runAction(workspaceId, campaignId, action),
    onSuccess: (campaign) => {
      queryClient.setQueryData(p2pKeys.detail(workspaceId, String(campaign.id)), campaign);
      return queryClient.invalidateQueries({ queryKey: p2pKeys.list(workspaceId) });
    },
  });
}
