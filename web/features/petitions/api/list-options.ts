import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { petitionsKeys } from './keys.ts';

const communitiesSchema = z.object({ communities: z.array(z.object({ id: z.number(), name: z.string(), archived: z.boolean() })) });
const actionsSchema = z.object({ actions: z.array(z.object({ id: z.number(), type: z.string(), title: z.string(), status: z.string() })) });

/** Live communities signers can join, as select options. */
export function useCommunityOptions(workspaceId: string) {
  return useQuery({
    queryKey: petitionsKeys.communityOptions(workspaceId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/communities`, communitiesSchema, { signal }),
    select: (data) =>
      data.communities
        .filter((c) => !c.archived)
        .map((c) => ({ value: String(c.id), label: c.name }))
        .sort((a, b) => a.label.localeCompare(b.label)),
  });
}

/** Actions that can be the next step after signing (any kind but this petition). */
export function useNextActionOptions(workspaceId: string, exceptId: number | null) {
  return useQuery({
    queryKey: petitionsKeys.actionOptions(workspaceId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/actions`, actionsSchema, { signal, query: { limit: 200 } }),
    select: (data) =>
      data.actions
        .filter((a) => a.id !== exceptId && a.status !== 'closed')
        .map((a) => ({ value: String(a.id), label: `${a.title} (${a.type}${a.status === 'draft' ? ', draft' : ''})` })),
  });
}
