import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { inboxKeys } from './keys.ts';
import { conversationSchema } from './list-conversations.ts';

const person = z.object({ id: z.number(), name: z.string() });

export const threadMessageSchema = z.object({
  id: z.number(),
  direction: z.enum(['in', 'out']),
  kind: z.string(),
  body: z.string(),
  state: z.string(),
  errorCode: z.string().nullable(),
  flag: z.string().nullable(),
  sentBy: person.nullable(),
  broadcastId: z.number().nullable(),
  campaignId: z.number().nullable(),
  createdAt: z.number(),
  sendAt: z.number(),
  sentAt: z.number().nullable(),
  deliveredAt: z.number().nullable(),
});

export type ThreadMessage = z.infer<typeof threadMessageSchema>;

export const noteSchema = z.object({ id: z.number(), body: z.string(), author: person.nullable(), createdAt: z.number() });

const detailSchema = z.object({
  conversation: conversationSchema,
  member: z.object({
    id: z.number(),
    name: z.string(),
    firstName: z.string().nullable(),
    lastName: z.string().nullable(),
    phone: z.string().nullable(),
    language: z.string(),
    timezone: z.string(),
    smsConsent: z.enum(['granted', 'revoked', 'none']),
    communities: z.array(z.object({ id: z.number(), name: z.string() })),
    tags: z.array(z.string()),
  }),
  thread: z.object({ messages: z.array(threadMessageSchema), hasMore: z.boolean() }),
  notes: z.array(noteSchema),
});

export type ConversationDetail = z.infer<typeof detailSchema>;

const IN_FLIGHT = new Set(['queued', 'sending', 'sent']);

/** One conversation: the member, the last 100 messages (oldest first) and the team's notes. */
export function useConversation(workspaceId: string, conversationId: string | undefined) {
  return useQuery({
    queryKey: inboxKeys.detail(workspaceId, conversationId ?? ''),
    queryFn: ({ signal }) =>
      apiRequest(`/api/workspaces/${workspaceId}/conversations/${conversationId}`, detailSchema, { signal, query: { limit: 100 } }),
    enabled: conversationId !== undefined,
    // Delivery reports change messages, not the conversation, so the live stream does not carry them: while a text
    // of this thread is on its way, look again every few seconds.
    refetchInterval: (query) =>
      query.state.data?.thread.messages.some((m) => IN_FLIGHT.has(m.state) && m.sendAt <= Date.now() + 5_000) ? 3_000 : false,
  });
}
