import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { inboxKeys } from './keys.ts';

const campaignQuestionSchema = z.object({
  campaign: z.object({ id: z.number(), name: z.string(), status: z.string() }),
  contactId: z.number(),
  question: z.string().nullable(),
  answers: z.array(z.object({ key: z.string(), label: z.string(), tag: z.string().nullable(), reply: z.string().nullable() })),
  answer: z.string().nullable(),
});

/** The P2P campaign's question for the member of a conversation: its answers, their follow-ups, the answer so far. */
export function useCampaignQuestion(workspaceId: string, campaignId: number, memberId: number) {
  return useQuery({
    queryKey: inboxKeys.campaignQuestion(workspaceId, campaignId, memberId),
    queryFn: ({ signal }) =>
      apiRequest(`/api/workspaces/${workspaceId}/p2p/campaigns/${campaignId}/members/${memberId}`, campaignQuestionSchema, { signal }),
    staleTime: 30_000,
    // Not the texter's contact (404/409) is an answer, not a hiccup to retry.
    retry: false,
  });
}
