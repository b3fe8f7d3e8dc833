import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { eventsKeys } from './keys.ts';

const actionSchema = z.object({ id: z.number(), type: z.string(), title: z.string(), status: z.enum(['draft', 'published', 'closed']) });

/** The workspace's published actions, newest first: what an event can lead to next (ladder of engagement). */
export function useNextStepOptions(workspaceId: string) {
  return useQuery({
    queryKey: eventsKeys.nextSteps(workspaceId),
    queryFn: ({ signal }) =>
      apiRequest(`/api/workspaces/${workspaceId}/actions`, z.object({ actions: z.array(actionSchema) }), {
        signal,
        query: { status: 'published', limit: 200 },
      }),
    select: (data) => data.actions,
  });
}
