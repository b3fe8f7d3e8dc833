import { useMutation } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';

const sendSchema = z.object({
  contactId: z.number(),
  outcome: z.enum(['sent', 'skipped']),
  reason: z.string().nullable(),
  messageId: z.number().nullable(),
});

type Input = { contactId: number; action: 'send' | 'skip' };

function sendInitial(workspaceId: string, campaignId: string, input: Input) {
  return apiRequest(`/api/workspaces/${workspaceId}/p2p/campaigns/${campaignId}/contacts/${input.contactId}/${input.action}`, sendSchema, {
    method: 'POST',
  });
}

/** Sends one contact's initial (or passes on the contact): one request per click or keypress. */
export function useSendInitial(workspaceId: string, campaignId: string) {
  return useMutation({ mutationFn: (input: Input) => sendInitial(workspaceId, campaignId, input) });
}
