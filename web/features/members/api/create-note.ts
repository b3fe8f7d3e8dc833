import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { membersKeys } from './keys.ts';

function createNote(workspaceId: string, memberId: string, body: string) {
  // The answer (the new note, or the list) is not needed: the list is fetched again.
  return apiRequest(`/api/workspaces/${workspaceId}/members/${memberId}/notes`, z.unknown(), { method: 'POST', body: { body } });
}

export function useCreateNote(workspaceId: string, memberId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: string) => createNote(workspaceId, memberId, body),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: membersKeys.detail(workspaceId, memberId) }),
  });
}
