import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { settingsKeys } from './keys.ts';

function revokeInvitation(workspaceId: string, invitationId: number) {
  return apiRequest(`/api/workspaces/${workspaceId}/invitations/${invitationId}`, null, { method: 'DELETE' });
}

export function useRevokeInvitation(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (invitationId: number) => revokeInvitation(workspaceId, invitationId),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: settingsKeys.invitations(workspaceId) }),
        queryClient.invalidateQueries({ queryKey: settingsKeys.audit(workspaceId) }),
      ]),
  });
}
