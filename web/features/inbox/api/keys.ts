// Query keys of the inbox. Everything sits under ['workspace', id, 'inbox'] so a live event refreshes it in one call.
export const inboxKeys = {
  all: (workspaceId: string) => ['workspace', workspaceId, 'inbox'] as const,
  lists: (workspaceId: string) => ['workspace', workspaceId, 'inbox', 'conversations'] as const,
  list: (workspaceId: string, filters: Record<string, string | undefined>) =>
    ['workspace', workspaceId, 'inbox', 'conversations', filters] as const,
  counts: (workspaceId: string) => ['workspace', workspaceId, 'inbox', 'counts'] as const,
  detail: (workspaceId: string, conversationId: string) => ['workspace', workspaceId, 'inbox', 'detail', conversationId] as const,
  suggestions: (workspaceId: string, conversationId: string) => ['workspace', workspaceId, 'inbox', 'suggestions', conversationId] as const,
  assignees: (workspaceId: string) => ['workspace', workspaceId, 'inbox', 'assignees'] as const,
  canned: (workspaceId: string) => ['workspace', workspaceId, 'inbox', 'canned'] as const,
  communities: (workspaceId: string) => ['workspace', workspaceId, 'communities', 'options', 'inbox'] as const,
  campaignQuestion: (workspaceId: string, campaignId: number, memberId: number) =>
    ['workspace', workspaceId, 'inbox', 'campaign-question', campaignId, memberId] as const,
};
