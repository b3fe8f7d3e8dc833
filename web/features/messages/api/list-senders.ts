import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { messagesKeys } from './keys.ts';
import { channelSchema } from './list-broadcasts.ts';

export const senderSchema = z.object({
  id: z.number(),
  channelAccountId: z.number(),
  provider: z.string(),
  accountName: z.string(),
  channel: channelSchema,
  kind: z.string(),
  address: z.string(),
  label: z.string(),
  throughput: z.number(),
  supportsMms: z.boolean(),
  isDefault: z.boolean(),
  priceMicros: z.number(),
  mmsPriceMicros: z.number(),
  status: z.string(),
});

export type Sender = z.infer<typeof senderSchema>;

const sendersSchema = z.object({ senders: z.array(senderSchema) });

function listSenders(workspaceId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/senders`, sendersSchema, { signal });
}

/** The numbers and addresses messages can go out from (archived ones left out). */
export function useSenders(workspaceId: string) {
  return useQuery({
    queryKey: messagesKeys.senders(workspaceId),
    queryFn: ({ signal }) => listSenders(workspaceId, signal),
    select: (data) => data.senders,
  });
}

/** The sender a broadcast without a chosen sender goes out from. */
export function defaultSender(senders: readonly Sender[] | undefined, channel: 'sms' | 'email'): Sender | undefined {
  return senders?.find((sender) => sender.channel === channel && sender.isDefault);
}
