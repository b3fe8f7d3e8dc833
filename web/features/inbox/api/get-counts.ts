import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { inboxKeys } from './keys.ts';

export const countsSchema = z.object({
  mine: z.number(),
  unassigned: z.number(),
  needsResponse: z.number(),
  flagged: z.number(),
  open: z.number(),
});

export type InboxCounts = z.infer<typeof countsSchema>;

/** The signed-in person's counters over open conversations (kept fresh by the live events). */
export function useInboxCounts(workspaceId: string) {
  return useQuery({
    queryKey: inboxKeys.counts(workspaceId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/conversations/counts`, countsSchema, { signal }),
  });
}
