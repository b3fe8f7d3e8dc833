import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { p2pKeys } from './keys.ts';

const optionsSchema = z.object({
  communities: z.array(z.object({ id: z.number(), name: z.string(), archived: z.boolean() })),
});

/** Active communities as audience options. */
export function useCommunityOptions(workspaceId: string) {
  return useQuery({
    queryKey: p2pKeys.communityOptions(workspaceId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/communities`, optionsSchema, { signal }),
    select: (data) =>
      data.communities
        .filter((community) => !community.archived)
        .map((community) => ({ value: String(community.id), label: community.name }))
        .sort((a, b) => a.label.localeCompare(b.label)),
  });
}
