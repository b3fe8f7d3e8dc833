import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { inboxKeys } from './keys.ts';

const answerResultSchema = z.object({
  contactId: z.number(),
  answer: z.object({ key: z.string(), label: z.string() }),
  tagsAdded: z.array(z.string()),
  followUp: z.string().nullable(),
});

export type RecordAnswerInput = { campaignId: number; memberId: number; key: string };

function recordAnswer(workspaceId: string, input: RecordAnswerInput) {
  return apiRequest(
    `/api/workspaces/${workspaceId}/p2p/campaigns/${input.campaignId}/members/${input.memberId}/answer`,
    answerResultSchema,
    { method: 'POST', body: { key: input.key } },
  );
}

/** Records the member's answer to the campaign's question (an activity and the answer's tag); returns its follow-up. */
export function useRecordAnswer(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: RecordAnswerInput) => recordAnswer(workspaceId, input),
    // The answer so far and the member's tags changed.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: inboxKeys.all(workspaceId) }),
  });
}
