import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { workflowsKeys } from './keys.ts';

const schema = z.object({
  senders: z.array(z.object({ channel: z.string(), provider: z.string(), isDefault: z.boolean() })),
});

/** Whether the workspace's default SMS sender is the simulator (Messages then shows its Simulator tab). */
export function useSimulatedTexting(workspaceId: string) {
  return useQuery({
    queryKey: [...workflowsKeys.all(workspaceId), 'senders'],
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/senders`, schema, { signal }),
    select: (data) => data.senders.some((s) => s.channel === 'sms' && s.isDefault && s.provider === 'simulator'),
    staleTime: 60_000,
  });
}
