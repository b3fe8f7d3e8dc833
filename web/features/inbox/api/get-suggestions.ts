import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { inboxKeys } from './keys.ts';

const suggestionsSchema = z.object({
  canned: z.array(z.object({ id: z.number(), title: z.string(), body: z.string() })),
  suggested: z.array(z.object({ body: z.string(), score: z.number() })),
});

/** Saved replies rendered for this member, and answers people gave to texts like the member's last one. */
export function useSuggestions(workspaceId: string, conversationId: number | undefined, enabled: boolean) {
  return useQuery({
    queryKey: inboxKeys.suggestions(workspaceId, String(conversationId ?? '')),
    queryFn: ({ signal }) =>
      apiRequest(`/api/workspaces/${workspaceId}/conversations/${conversationId}/suggestions`, suggestionsSchema, { signal }),
    enabled: enabled && conversationId !== undefined,
  });
}
