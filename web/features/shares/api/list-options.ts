import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { sharesKeys } from './keys.ts';

const communitiesSchema = z.object({ communities: z.array(z.object({ id: z.number(), name: z.string(), archived: z.boolean() })) });
const actionsSchema = z.object({ actions: z.array(z.object({ id: z.number(), type: z.string(), title: z.string(), status: z.string() })) });

/** Live communities, as select options. */
export function useCommunityOptions(workspaceId: string) {
  return useQuery({
    queryKey: sharesKeys.communityOptions(workspaceId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/communities`, communitiesSchema, { signal }),
    select: (data) =>
      data.communities
        .filter((c) => !c.archived)
        .map((c) => ({ value: String(c.id), label: c.name }))
        .sort((a, b) => a.label.localeCompare(b.label)),
  });
}

/** Actions the posts can link to (any open kind but this share action). */
export function useTargetOptions(workspaceId: string, exceptId: number | null) {
  return useQuery({
    queryKey: sharesKeys.actionOptions(workspaceId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/actions`, actionsSchema, { signal, query: { limit: 200 } }),
    select: (data) =>
      data.actions
        .filter((a) => a.id !== exceptId && a.status !== 'closed')
        .map((a) => ({ value: String(a.id), label: `${a.title} (${a.type}${a.status === 'draft' ? ', draft' : ''})` })),
  });
}
