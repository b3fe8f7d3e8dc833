import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { keywordsKeys } from './keys.ts';

const schema = z.object({
  senders: z.array(z.object({ channel: z.string(), address: z.string(), provider: z.string(), isDefault: z.boolean() })),
});

/** The number members text keywords to: the workspace's default SMS sender (and whether it is the simulator). */
export function useTextingNumber(workspaceId: string) {
  return useQuery({
    queryKey: keywordsKeys.senders(workspaceId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/senders`, schema, { signal }),
    select: (data) => {
      const sender = data.senders.find((s) => s.channel === 'sms' && s.isDefault);
      return sender ? { address: sender.address, simulated: sender.provider === 'simulator' } : null;
    },
  });
}
