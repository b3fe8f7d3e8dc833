// Query keys of this feature, under ['workspace', id, 'stories'] so one invalidation refreshes every story screen.
export const storiesKeys = {
  all: (workspaceId: string) => ['workspace', workspaceId, 'stories'] as const,
  list: (workspaceId: string) => ['workspace', workspaceId, 'stories', 'list'] as const,
  detail: (workspaceId: string, actionId: string) => ['workspace', workspaceId, 'stories', 'detail', actionId] as const,
  submissions: (workspaceId: string, actionId: string, status: string) =>
    ['workspace', workspaceId, 'stories', 'submissions', actionId, status] as const,
};
