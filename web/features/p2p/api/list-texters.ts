import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { p2pKeys } from './keys.ts';

const textersSchema = z.object({ users: z.array(z.object({ id: z.number(), name: z.string(), role: z.string() })) });

/** People of the workspace whose role can text, who an organizer can hand contacts to. */
export function useTexters(workspaceId: string, enabled = true) {
  return useQuery({
    queryKey: p2pKeys.texters(workspaceId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/p2p/texters`, textersSchema, { signal }),
    select: (data) => data.users,
    enabled,
    staleTime: 60_000,
  });
}
