import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { communitiesKeys } from './keys.ts';

const candidatesSchema = z.object({
  members: z.array(
    z.object({
      id: z.number(),
      firstName: z.string().nullable(),
      lastName: z.string().nullable(),
      phone: z.string().nullable(),
      email: z.string().nullable(),
    }),
  ),
});

export type MemberCandidate = z.infer<typeof candidatesSchema>['members'][number];

function searchMembers(workspaceId: string, q: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/members`, candidatesSchema, { signal, query: { q, limit: 10 } });
}

/** Members matching `q` (name, phone or email), for picking who to add to a community. */
export function useMemberSearch(workspaceId: string, q: string) {
  return useQuery({
    queryKey: communitiesKeys.memberSearch(workspaceId, q),
    queryFn: ({ signal }) => searchMembers(workspaceId, q, signal),
    enabled: q.length >= 2,
    staleTime: 10_000,
  });
}
