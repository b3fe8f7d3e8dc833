import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { memberSchema } from './get-member.ts';
import { membersKeys } from './keys.ts';

function mergeMember(workspaceId: string, memberId: string, duplicateId: number) {
  return apiRequest(`/api/workspaces/${workspaceId}/members/${memberId}/merge`, memberSchema, {
    method: 'POST',
    body: { duplicateId },
  });
}

/** Folds `duplicateId` into this member: their history, consent, tags and communities move here. */
export function useMergeMember(workspaceId: string, memberId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (duplicateId: number) => mergeMember(workspaceId, memberId, duplicateId),
    onSuccess: () => {
      // Cached pages still list the duplicate: drop them rather than show it while they refresh.
      queryClient.removeQueries({ queryKey: membersKeys.lists(workspaceId) });
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: membersKeys.all(workspaceId) }),
        queryClient.invalidateQueries({ queryKey: ['workspace', workspaceId, 'communities'] }),
      ]);
    },
  });
}
