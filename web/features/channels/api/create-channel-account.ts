import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { channelsKeys } from './keys.ts';
import { accountSchema, type CredentialValue } from './list-channel-accounts.ts';

export type AccountInput = {
  provider: string;
  name: string;
  baseUrl?: string | null;
  credentials: Record<string, CredentialValue>;
};

function createAccount(workspaceId: string, input: AccountInput) {
  return apiRequest(`/api/workspaces/${workspaceId}/channel-accounts`, accountSchema, { method: 'POST', body: input });
}

/** Connects a provider account; its credentials are checked by the server before it is saved. */
export function useCreateChannelAccount(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: AccountInput) => createAccount(workspaceId, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: channelsKeys.accounts(workspaceId) }),
  });
}
