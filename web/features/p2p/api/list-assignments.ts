import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { p2pKeys } from './keys.ts';
import { statusSchema } from './list-campaigns.ts';

const assignmentSchema = z.object({
  id: z.number(),
  name: z.string(),
  status: statusSchema,
  batchSize: z.number(),
  assigned: z.number(),
  sent: z.number(),
  available: z.number(),
});

const listSchema = z.object({ campaigns: z.array(assignmentSchema) });

function listAssignments(workspaceId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/p2p/assignments`, listSchema, { signal });
}

/** Campaigns open for texting, with what I hold and sent and what is left to take. */
export function useAssignments(workspaceId: string) {
  return useQuery({
    queryKey: p2pKeys.assignments(workspaceId),
    queryFn: ({ signal }) => listAssignments(workspaceId, signal),
    select: (data) => data.campaigns,
    refetchInterval: 15_000,
  });
}
