import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { inboxKeys } from './keys.ts';

const communitiesSchema = z.object({ communities: z.array(z.object({ id: z.number(), name: z.string(), archived: z.boolean() })) });

/** Active communities as filter options. */
export function useCommunityFilterOptions(workspaceId: string) {
  return useQuery({
    queryKey: inboxKeys.communities(workspaceId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/communities`, communitiesSchema, { signal }),
    select: (data) =>
      data.communities
        .filter((c) => !c.archived)
        .map((c) => ({ value: String(c.id), label: c.name }))
        .sort((a, b) => a.label.localeCompare(b.label)),
    staleTime: 60_000,
  });
}
