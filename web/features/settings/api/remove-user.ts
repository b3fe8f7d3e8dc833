import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { settingsKeys } from './keys.ts';

function removeUser(workspaceId: string, userId: number) {
  return apiRequest(`/api/workspaces/${workspaceId}/users/${userId}`, null, { method: 'DELETE' });
}

export function useRemoveUser(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (userId: number) => removeUser(workspaceId, userId),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: settingsKeys.users(workspaceId) }),
        queryClient.invalidateQueries({ queryKey: settingsKeys.audit(workspaceId) }),
      ]),
  });
}
