// Query keys of this feature. Broadcasts sit under ['workspace', id, 'broadcasts'], messages under
// ['workspace', id, 'messages']; senders and community names have their own entries under the prefixes the
// channel and community screens refresh.
export const messagesKeys = {
  broadcasts: (workspaceId: string) => ['workspace', workspaceId, 'broadcasts'] as const,
  list: (workspaceId: string, status: string) => ['workspace', workspaceId, 'broadcasts', 'list', status] as const,
  detail: (workspaceId: string, broadcastId: string) => ['workspace', workspaceId, 'broadcasts', 'detail', broadcastId] as const,
  lift: (workspaceId: string, broadcastId: string) => ['workspace', workspaceId, 'broadcasts', 'lift', broadcastId] as const,
  preview: (workspaceId: string, input: unknown) => ['workspace', workspaceId, 'broadcasts', 'preview', input] as const,
  messages: (workspaceId: string) => ['workspace', workspaceId, 'messages'] as const,
  messageList: (workspaceId: string, filters: Record<string, string | undefined>) =>
    ['workspace', workspaceId, 'messages', 'list', filters] as const,
  senders: (workspaceId: string) => ['workspace', workspaceId, 'senders', 'messages'] as const,
  communityOptions: (workspaceId: string) => ['workspace', workspaceId, 'communities', 'options', 'messages'] as const,
  memberPhones: (workspaceId: string, q: string) => ['workspace', workspaceId, 'members', 'phones', 'messages', q] as const,
};
