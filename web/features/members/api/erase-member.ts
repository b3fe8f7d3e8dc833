import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { membersKeys } from './keys.ts';

function eraseMember(workspaceId: string, memberId: string) {
  return apiRequest(`/api/workspaces/${workspaceId}/members/${memberId}/erase`, null, { method: 'POST' });
}

/** Erases the member's personal data for good; an opt-out keeps blocking their number through a keyed hash. */
export function useEraseMember(workspaceId: string, memberId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => eraseMember(workspaceId, memberId),
    onSuccess: () => {
      // Cached pages still list the member: drop them rather than show an erased person while they refresh.
      queryClient.removeQueries({ queryKey: membersKeys.lists(workspaceId) });
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: membersKeys.all(workspaceId) }),
        queryClient.invalidateQueries({ queryKey: ['workspace', workspaceId, 'communities'] }),
      ]);
    },
  });
}
