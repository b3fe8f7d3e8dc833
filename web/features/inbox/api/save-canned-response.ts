import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { inboxKeys } from './keys.ts';
import { cannedResponseSchema } from './list-canned-responses.ts';

export type CannedInput = { title: string; body: string };

function saveCanned(workspaceId: string, id: number | null, input: CannedInput) {
  const base = `/api/workspaces/${workspaceId}/canned-responses`;
  return id === null
    ? apiRequest(base, cannedResponseSchema, { method: 'POST', body: input })
    : apiRequest(`${base}/${id}`, cannedResponseSchema, { method: 'PATCH', body: input });
}

/** Creates a saved reply (id null) or changes one. */
export function useSaveCannedResponse(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (args: { id: number | null; input: CannedInput }) => saveCanned(workspaceId, args.id, args.input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: inboxKeys.all(workspaceId) }),
  });
}
