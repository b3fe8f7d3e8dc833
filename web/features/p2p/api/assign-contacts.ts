import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { p2pKeys } from './keys.ts';

const assignSchema = z.object({ texterId: z.number(), moved: z.number(), assigned: z.number(), available: z.number() });

export type AssignInput = { texterId: number; count: number };

function assignContacts(workspaceId: string, campaignId: string, input: AssignInput) {
  return apiRequest(`/api/workspaces/${workspaceId}/p2p/campaigns/${campaignId}/assign`, assignSchema, { method: 'POST', body: input });
}

/** Hands up to `count` contacts nobody has yet to a texter. */
export function useAssignContacts(workspaceId: string, campaignId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: AssignInput) => assignContacts(workspaceId, campaignId, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: p2pKeys.detail(workspaceId, campaignId) }),
  });
}
