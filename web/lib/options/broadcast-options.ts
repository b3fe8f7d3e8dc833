import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../api-client.ts';
import { type Option, optionsKeys } from './keys.ts';

const broadcastsSchema = z.object({
  broadcasts: z.array(z.object({ id: z.number(), name: z.string(), status: z.string() })),
});

function listBroadcasts(workspaceId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/broadcasts`, broadcastsSchema, { signal, query: { limit: 100 } });
}

/** The 100 newest broadcasts, as options; only asked for by people who may read messages. */
export function useBroadcastOptions(workspaceId: string, enabled: boolean) {
  return useQuery({
    queryKey: optionsKeys.broadcasts(workspaceId),
    queryFn: ({ signal }) => listBroadcasts(workspaceId, signal),
    select: (data): Option[] => data.broadcasts.filter((b) => b.status !== 'draft').map((b) => ({ value: String(b.id), label: b.name })),
    enabled,
    staleTime: 60_000,
  });
}
