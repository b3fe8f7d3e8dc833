// Query keys of this feature: campaigns under ['workspace', id, 'p2p'], so one invalidation refreshes lists, details
// and the texter's screens; senders and community names have their own entries under the prefixes other screens
// refresh.
export const p2pKeys = {
  all: (workspaceId: string) => ['workspace', workspaceId, 'p2p'] as const,
  list: (workspaceId: string) => ['workspace', workspaceId, 'p2p', 'list'] as const,
  detail: (workspaceId: string, campaignId: string) => ['workspace', workspaceId, 'p2p', 'detail', campaignId] as const,
  preview: (workspaceId: string, input: unknown) => ['workspace', workspaceId, 'p2p', 'preview', input] as const,
  assignments: (workspaceId: string) => ['workspace', workspaceId, 'p2p', 'assignments'] as const,
  queue: (workspaceId: string, campaignId: string) => ['workspace', workspaceId, 'p2p', 'queue', campaignId] as const,
  texters: (workspaceId: string) => ['workspace', workspaceId, 'p2p', 'texters'] as const,
  senders: (workspaceId: string) => ['workspace', workspaceId, 'senders', 'p2p'] as const,
  communityOptions: (workspaceId: string) => ['workspace', workspaceId, 'communities', 'options', 'p2p'] as const,
};
