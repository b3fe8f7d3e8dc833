import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { messagesKeys } from './keys.ts';

export const messageSchema = z.object({
  id: z.number(),
  direction: z.enum(['out', 'in']),
  channel: z.string(),
  kind: z.string(),
  memberId: z.number().nullable(),
  memberName: z.string().nullable(),
  broadcastId: z.number().nullable(),
  to: z.string(),
  from: z.string(),
  body: z.string(),
  segments: z.number(),
  state: z.string(),
  errorCode: z.string().nullable(),
  flag: z.string().nullable(),
  createdAt: z.number(),
  sentAt: z.number().nullable(),
  deliveredAt: z.number().nullable(),
});

export type Message = z.infer<typeof messageSchema>;

const messagesSchema = z.object({ messages: z.array(messageSchema) });

export type MessageFilters = { broadcastId?: string; memberId?: string; direction?: 'in' | 'out' };

function listMessages(workspaceId: string, filters: MessageFilters, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/messages`, messagesSchema, { signal, query: { ...filters, limit: 50 } });
}

/** The 50 latest messages matching `filters`, newest first; polled every `pollMs` when given. */
export function useMessages(workspaceId: string, filters: MessageFilters, options: { pollMs?: number | false; enabled?: boolean } = {}) {
  return useQuery({
    queryKey: messagesKeys.messageList(workspaceId, filters),
    queryFn: ({ signal }) => listMessages(workspaceId, filters, signal),
    select: (data) => data.messages,
    refetchInterval: options.pollMs ?? false,
    enabled: options.enabled ?? true,
  });
}
