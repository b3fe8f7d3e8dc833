import { useInfiniteQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { inboxKeys } from './keys.ts';

const person = z.object({ id: z.number(), name: z.string() });

export const conversationSchema = z.object({
  id: z.number(),
  status: z.enum(['open', 'closed']),
  member: z.object({ id: z.number(), name: z.string(), phone: z.string().nullable() }),
  preview: z.string(),
  lastDirection: z.enum(['in', 'out']).nullable(),
  assignee: person.nullable(),
  unread: z.number(),
  needsResponse: z.boolean(),
  flag: z.enum(['possible_opt_out', 'opted_out']).nullable(),
  tags: z.array(z.string()),
  campaign: z.object({ id: z.number(), name: z.string() }).nullable(),
  lastMessageAt: z.number(),
  lastInboundAt: z.number().nullable(),
  lastOutboundAt: z.number().nullable(),
  createdAt: z.number(),
  updatedAt: z.number(),
});

export type Conversation = z.infer<typeof conversationSchema>;

const pageSchema = z.object({ conversations: z.array(conversationSchema), nextCursor: z.string().nullable() });

export const INBOX_VIEWS = ['mine', 'unassigned', 'needs_response', 'flagged', 'all'] as const;
export type InboxView = (typeof INBOX_VIEWS)[number];

export type ConversationFilters = {
  view: InboxView;
  status?: 'open' | 'closed' | undefined;
  tag?: string | undefined;
  communityId?: string | undefined;
  campaignId?: string | undefined;
  q?: string | undefined;
};

/** Conversations matching the filters, newest activity first, 50 a page ("Load more" asks for the next). */
export function useConversations(workspaceId: string, filters: ConversationFilters) {
  return useInfiniteQuery({
    queryKey: inboxKeys.list(workspaceId, filters),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ signal, pageParam }) =>
      apiRequest(`/api/workspaces/${workspaceId}/conversations`, pageSchema, {
        signal,
        query: { ...filters, cursor: pageParam, limit: 50 },
      }),
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    select: (data) => ({ conversations: data.pages.flatMap((page) => page.conversations), hasMore: data.pages.at(-1)?.nextCursor != null }),
  });
}
