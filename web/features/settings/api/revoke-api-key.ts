import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { settingsKeys } from './keys.ts';

function revokeApiKey(workspaceId: string, apiKeyId: number) {
  return apiRequest(`/api/workspaces/${workspaceId}/api-keys/${apiKeyId}`, null, { method: 'DELETE' });
}

export function useRevokeApiKey(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (apiKeyId: number) => revokeApiKey(workspaceId, apiKeyId),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: settingsKeys.apiKeys(workspaceId) }),
        queryClient.invalidateQueries({ queryKey: settingsKeys.audit(workspaceId) }),
      ]),
  });
}
