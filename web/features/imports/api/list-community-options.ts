import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { importsKeys } from './keys.ts';

const optionsSchema = z.object({
  communities: z.array(z.object({ id: z.number(), name: z.string(), archived: z.boolean() })),
});

function listCommunityOptions(workspaceId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/communities`, optionsSchema, { signal });
}

/** Communities imported members can be added to, as MultiSelect options. */
export function useCommunityOptions(workspaceId: string) {
  return useQuery({
    queryKey: importsKeys.communityOptions(workspaceId),
    queryFn: ({ signal }) => listCommunityOptions(workspaceId, signal),
    select: (data) =>
      data.communities
        .filter((community) => !community.archived)
        .map((community) => ({ value: String(community.id), label: community.name }))
        .sort((a, b) => a.label.localeCompare(b.label)),
  });
}
