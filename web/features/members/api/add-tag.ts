import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { membersKeys } from './keys.ts';

function addTag(workspaceId: string, memberId: string, tag: string) {
  return apiRequest(`/api/workspaces/${workspaceId}/members/${memberId}/tags`, null, { method: 'POST', body: { tag } });
}

export function useAddTag(workspaceId: string, memberId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (tag: string) => addTag(workspaceId, memberId, tag),
    onSettled: () => queryClient.invalidateQueries({ queryKey: membersKeys.all(workspaceId) }),
  });
}
