import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { p2pKeys } from './keys.ts';

const sendersSchema = z.object({
  senders: z.array(z.object({ id: z.number(), channel: z.string(), address: z.string(), label: z.string(), isDefault: z.boolean() })),
});

/** The workspace's SMS numbers a campaign can text from. */
export function useSmsSenders(workspaceId: string) {
  return useQuery({
    queryKey: p2pKeys.senders(workspaceId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/senders`, sendersSchema, { signal }),
    select: (data) => data.senders.filter((sender) => sender.channel === 'sms'),
  });
}
