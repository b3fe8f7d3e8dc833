import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { keywordsKeys } from './keys.ts';

const schema = z.object({ communities: z.array(z.object({ id: z.number(), name: z.string(), archived: z.boolean() })) });

/** Communities a keyword can join (archived ones left out), as select options. */
export function useTargetCommunities(workspaceId: string) {
  return useQuery({
    queryKey: keywordsKeys.communities(workspaceId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/communities`, schema, { signal }),
    select: (data) =>
      data.communities
        .filter((community) => !community.archived)
        .map((community) => ({ value: String(community.id), label: community.name }))
        .sort((a, b) => a.label.localeCompare(b.label)),
  });
}
