import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { channelsKeys } from './keys.ts';

export const SENDER_KINDS = ['long_code', 'toll_free', 'short_code', 'messaging_service', 'alphanumeric', 'email'] as const;
export type SenderKind = (typeof SENDER_KINDS)[number];

export const senderSchema = z.object({
  id: z.number(),
  channelAccountId: z.number(),
  provider: z.string(),
  accountName: z.string(),
  channel: z.enum(['sms', 'email']),
  kind: z.enum(SENDER_KINDS),
  address: z.string(),
  label: z.string(),
  throughput: z.number(),
  supportsMms: z.boolean(),
  isDefault: z.boolean(),
  priceMicros: z.number(),
  mmsPriceMicros: z.number(),
  status: z.string(),
  createdAt: z.number(),
});

export type Sender = z.infer<typeof senderSchema>;

const sendersSchema = z.object({ senders: z.array(senderSchema) });

/** Every sender, archived ones included (the settings screen can restore them). */
export function useAllSenders(workspaceId: string) {
  return useQuery({
    queryKey: channelsKeys.senderList(workspaceId),
    queryFn: ({ signal }) =>
      apiRequest(`/api/workspaces/${workspaceId}/senders`, sendersSchema, { signal, query: { includeArchived: 'true' } }),
    select: (data) => data.senders,
  });
}
