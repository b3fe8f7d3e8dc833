import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import type { AccountInput } from './create-channel-account.ts';
import { channelsKeys } from './keys.ts';
import { accountSchema } from './list-channel-accounts.ts';

/** Credentials are merged into the stored ones; a secret left out keeps its value. */
export type AccountPatch = Partial<Omit<AccountInput, 'provider'>> & { status?: 'active' | 'disabled' };

function updateAccount(workspaceId: string, accountId: number, patch: AccountPatch) {
  return apiRequest(`/api/workspaces/${workspaceId}/channel-accounts/${accountId}`, accountSchema, { method: 'PATCH', body: patch });
}

export function useUpdateChannelAccount(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: { accountId: number; patch: AccountPatch }) => updateAccount(workspaceId, args.accountId, args.patch),
    // A disabled account's senders stop being offered: both lists change.
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: channelsKeys.accounts(workspaceId) }),
        queryClient.invalidateQueries({ queryKey: channelsKeys.senders(workspaceId) }),
      ]),
  });
}
