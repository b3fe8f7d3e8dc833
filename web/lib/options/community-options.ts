import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../api-client.ts';
import { type Option, optionsKeys } from './keys.ts';

const communitiesSchema = z.object({
  communities: z.array(z.object({ id: z.number(), name: z.string(), archived: z.boolean() })),
});

function listCommunities(workspaceId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/communities`, communitiesSchema, { signal, query: { includeArchived: 'true' } });
}

/** Every community as options (archived ones last and marked, since a saved segment may still name one). */
export function useCommunityOptions(workspaceId: string) {
  return useQuery({
    queryKey: optionsKeys.communities(workspaceId),
    queryFn: ({ signal }) => listCommunities(workspaceId, signal),
    select: (data): Option[] =>
      [...data.communities]
        .sort((a, b) => Number(a.archived) - Number(b.archived) || a.name.localeCompare(b.name))
        .map((c) => ({ value: String(c.id), label: c.archived ? `${c.name} (archived)` : c.name })),
    staleTime: 60_000,
  });
}
