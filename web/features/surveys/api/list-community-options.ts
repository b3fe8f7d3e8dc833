import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { surveysKeys } from './keys.ts';

const optionsSchema = z.object({
  communities: z.array(
    z.object({ id: z.number(), name: z.string(), parentId: z.number().nullable(), archived: z.boolean(), totalMemberCount: z.number() }),
  ),
});

type CommunityOption = { value: string; label: string; members: number };

/** Active communities to send a survey to, named by their place in the tree ("Climate Network › Austin"). */
export function useCommunityOptions(workspaceId: string) {
  return useQuery({
    queryKey: surveysKeys.communityOptions(workspaceId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/communities`, optionsSchema, { signal }),
    select: (data): CommunityOption[] => {
      const byId = new Map(data.communities.map((community) => [community.id, community]));
      const path = (id: number): string[] => {
        const names: string[] = [];
        let current = byId.get(id);
        while (current && names.length < 10) {
          names.unshift(current.name);
          current = current.parentId === null ? undefined : byId.get(current.parentId);
        }
        return names;
      };
      return data.communities
        .filter((community) => !community.archived)
        .map((community) => ({ value: String(community.id), label: path(community.id).join(' › '), members: community.totalMemberCount }))
        .sort((a, b) => a.label.localeCompare(b.label));
    },
  });
}
