import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { inboxKeys } from './keys.ts';

export const tagsSchema = z.object({ tags: z.array(z.string()) });

function addTag(workspaceId: string, conversationId: number, tag: string) {
  return apiRequest(`/api/workspaces/${workspaceId}/conversations/${conversationId}/tags`, tagsSchema, { method: 'POST', body: { tag } });
}

export function useAddTag(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: { conversationId: number; tag: string }) => addTag(workspaceId, args.conversationId, args.tag),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: inboxKeys.all(workspaceId) }),
  });
}
