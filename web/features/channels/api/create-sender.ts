import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { channelsKeys } from './keys.ts';
import { type SenderKind, senderSchema } from './list-senders.ts';

export type SenderInput = {
  channelAccountId: number;
  kind: SenderKind;
  address: string;
  label?: string;
  throughput?: number;
  supportsMms?: boolean;
  isDefault?: boolean;
  priceMicros?: number;
  mmsPriceMicros?: number;
};

function createSender(workspaceId: string, input: SenderInput) {
  return apiRequest(`/api/workspaces/${workspaceId}/senders`, senderSchema, { method: 'POST', body: input });
}

export function useCreateSender(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: SenderInput) => createSender(workspaceId, input),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: channelsKeys.senders(workspaceId) }),
        queryClient.invalidateQueries({ queryKey: channelsKeys.accounts(workspaceId) }),
      ]),
  });
}
