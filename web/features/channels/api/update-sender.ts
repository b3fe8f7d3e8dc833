import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import type { SenderInput } from './create-sender.ts';
import { channelsKeys } from './keys.ts';
import { senderSchema } from './list-senders.ts';

export type SenderPatch = Partial<Omit<SenderInput, 'channelAccountId' | 'kind' | 'address'>> & { archived?: boolean };

function updateSender(workspaceId: string, senderId: number, patch: SenderPatch) {
  return apiRequest(`/api/workspaces/${workspaceId}/senders/${senderId}`, senderSchema, { method: 'PATCH', body: patch });
}

/** Changes a sender; making it the default takes the star from the channel's previous default. */
export function useUpdateSender(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: { senderId: number; patch: SenderPatch }) => updateSender(workspaceId, args.senderId, args.patch),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: channelsKeys.senders(workspaceId) }),
        queryClient.invalidateQueries({ queryKey: channelsKeys.accounts(workspaceId) }),
      ]),
  });
}
