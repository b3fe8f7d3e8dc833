import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { callsKeys } from './keys.ts';

const actionSummarySchema = z.object({
  id: z.number(),
  type: z.string(),
  title: z.string(),
  status: z.enum(['draft', 'published', 'closed']),
  takenCount: z.number(),
  goal: z.number().nullable(),
  path: z.string(),
  createdAt: z.number(),
});

/** Call actions (type 'call'), or every action (for the next-step picker), newest first. */
export function useActionList(workspaceId: string, type: 'call' | 'all') {
  return useQuery({
    queryKey: callsKeys.actions(workspaceId, type),
    queryFn: ({ signal }) =>
      apiRequest(`/api/workspaces/${workspaceId}/actions`, z.object({ actions: z.array(actionSummarySchema) }), {
        signal,
        query: type === 'all' ? { limit: 200 } : { type, limit: 200 },
      }),
    select: (data) => data.actions,
  });
}
