import { z } from 'zod';
import { workspaceParams } from '../accounts/accounts.schema.ts';

const id = z.coerce.number().int().positive();

export const conversationParams = workspaceParams.extend({ conversationId: id });
export const conversationTagParams = conversationParams.extend({ tag: z.string().trim().min(1).max(40) });
export const cannedParams = workspaceParams.extend({ cannedResponseId: id });

export const INBOX_VIEWS = ['all', 'mine', 'unassigned', 'needs_response', 'flagged'] as const;
export type InboxView = (typeof INBOX_VIEWS)[number];

export const listConversationsQuery = z.object({
  view: z.enum(INBOX_VIEWS).default('all'),
  status: z.enum(['open', 'closed']).optional(),
  tag: z.string().trim().min(1).max(40).optional(),
  communityId: id.optional(),
  campaignId: id.optional(),
  q: z.string().trim().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  /** nextCursor of the previous page. */
  cursor: z
    .string()
    .regex(/^\d+:\d+$/, 'is not a cursor of this list')
    .optional(),
});
export type ListConversationsQuery = z.infer<typeof listConversationsQuery>;

const person = z.object({ id: z.number(), name: z.string() });

export const conversationSummary = z.object({
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
export type ConversationSummary = z.infer<typeof conversationSummary>;

export const inboxCounts = z.object({
  mine: z.number(),
  unassigned: z.number(),
  needsResponse: z.number(),
  flagged: z.number(),
  open: z.number(),
});
export type InboxCounts = z.infer<typeof inboxCounts>;

export const threadMessage = z.object({
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
export type ThreadMessage = z.infer<typeof threadMessage>;

export const conversationNote = z.object({ id: z.number(), body: z.string(), author: person.nullable(), createdAt: z.number() });
export type ConversationNote = z.infer<typeof conversationNote>;

export const conversationDetail = z.object({
  conversation: conversationSummary,
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
  /** Oldest first; `hasMore` when older messages exist (ask again with before = the first id). */
  thread: z.object({ messages: z.array(threadMessage), hasMore: z.boolean() }),
  notes: z.array(conversationNote),
});
export type ConversationDetail = z.infer<typeof conversationDetail>;

export const conversationDetailQuery = z.object({
  before: id.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export const replyInput = z.object({
  body: z.string().trim().min(1, 'write the text to send').max(1_600, 'is longer than 1,600 characters (10 segments)'),
  /** The newest message the person saw: a newer text by someone else makes the reply stale (409 conversation.stale). */
  afterMessageId: z.number().int().positive().optional(),
});

export const replyResult = z.object({
  message: threadMessage,
  /** Set when the member's quiet hours hold the text until then. */
  scheduledFor: z.number().nullable(),
  conversation: conversationSummary,
});

export const conversationPatch = z
  .object({
    status: z.enum(['open', 'closed']).optional(),
    /** null releases the conversation to the unassigned pool. */
    assigneeId: z.number().int().positive().nullable().optional(),
    needsResponse: z.boolean().optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: 'change at least one of status, assigneeId, needsResponse' });

export const tagInput = z.object({ tag: z.string().trim().min(1, 'enter a tag').max(40, 'is longer than 40 characters') });
export const noteInput = z.object({ body: z.string().trim().min(1, 'write the note').max(5_000, 'is longer than 5,000 characters') });

export const cannedResponse = z.object({
  id: z.number(),
  title: z.string(),
  body: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type CannedResponse = z.infer<typeof cannedResponse>;

export const cannedInput = z.object({
  title: z.string().trim().min(1, 'enter a title').max(80, 'is longer than 80 characters'),
  body: z.string().trim().min(1, 'write the reply').max(1_600, 'is longer than 1,600 characters'),
});
export const cannedPatch = cannedInput.partial().refine((patch) => Object.keys(patch).length > 0, {
  message: 'change the title or the body',
});

export const suggestionsResult = z.object({
  /** Saved replies, rendered for this member and the person asking. */
  canned: z.array(z.object({ id: z.number(), title: z.string(), body: z.string() })),
  /** Answers people gave to texts like the member's last one, best first. */
  suggested: z.array(z.object({ body: z.string(), score: z.number() })),
});

export const assignableUser = z.object({ id: z.number(), name: z.string(), role: z.string() });
