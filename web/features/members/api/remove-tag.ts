import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { membersKeys } from './keys.ts';

function removeTag(workspaceId: string, memberId: string, tag: string) {
  return apiRequest(`/api/workspaces/${workspaceId}/members/${memberId}/tags/${encodeURIComponent(tag)}`, null, { method: 'DELETE' });
}

export function useRemoveTag(workspaceId: string, memberId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (tag: string) => removeTag(workspaceId, memberId, tag),
    onSettled: () => queryClient.invalidateQueries({ queryKey: membersKeys.all(workspaceId) }),
  });
}
