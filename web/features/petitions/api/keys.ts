// Query keys of this feature, under ['workspace', id, 'petitions'] so one invalidation refreshes every petition screen.
export const petitionsKeys = {
  all: (workspaceId: string) => ['workspace', workspaceId, 'petitions'] as const,
  list: (workspaceId: string) => ['workspace', workspaceId, 'petitions', 'list'] as const,
  detail: (workspaceId: string, actionId: string) => ['workspace', workspaceId, 'petitions', 'detail', actionId] as const,
  results: (workspaceId: string, actionId: string) => ['workspace', workspaceId, 'petitions', 'results', actionId] as const,
  communityOptions: (workspaceId: string) => ['workspace', workspaceId, 'petitions', 'community-options'] as const,
  actionOptions: (workspaceId: string) => ['workspace', workspaceId, 'petitions', 'action-options'] as const,
};
