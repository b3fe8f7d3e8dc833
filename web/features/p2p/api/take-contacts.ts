import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { p2pKeys } from './keys.ts';

const takeSchema = z.object({ taken: z.number(), assigned: z.number(), available: z.number() });

function takeContacts(workspaceId: string, campaignId: string) {
  return apiRequest(`/api/workspaces/${workspaceId}/p2p/campaigns/${campaignId}/take`, takeSchema, { method: 'POST' });
}

/** Takes the next batch of contacts of a campaign (up to its batch size held at once). */
export function useTakeContacts(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (campaignId: string) => takeContacts(workspaceId, campaignId),
    onSuccess: (_result, campaignId) =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: p2pKeys.queue(workspaceId, campaignId) }),
        queryClient.invalidateQueries({ queryKey: p2pKeys.assignments(workspaceId) }),
      ]),
  });
}
