// Query keys of this feature, under ['workspace', id, 'shares'] so one invalidation refreshes every share screen.
export const sharesKeys = {
  all: (workspaceId: string) => ['workspace', workspaceId, 'shares'] as const,
  list: (workspaceId: string) => ['workspace', workspaceId, 'shares', 'list'] as const,
  detail: (workspaceId: string, shareId: string) => ['workspace', workspaceId, 'shares', 'detail', shareId] as const,
  results: (workspaceId: string, shareId: string) => ['workspace', workspaceId, 'shares', 'results', shareId] as const,
  communityOptions: (workspaceId: string) => ['workspace', workspaceId, 'shares', 'community-options'] as const,
  actionOptions: (workspaceId: string) => ['workspace', workspaceId, 'shares', 'action-options'] as const,
};
