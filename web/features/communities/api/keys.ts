// Query keys of this feature, under ['workspace', id, 'communities'] (imports and merges refresh that prefix).
export const communitiesKeys = {
  all: (workspaceId: string) => ['workspace', workspaceId, 'communities'] as const,
  list: (workspaceId: string) => ['workspace', workspaceId, 'communities', 'list'] as const,
  detail: (workspaceId: string, communityId: string) => ['workspace', workspaceId, 'communities', 'detail', communityId] as const,
  members: (workspaceId: string, communityId: string, status: string) =>
    ['workspace', workspaceId, 'communities', 'detail', communityId, 'members', status] as const,
  memberSearch: (workspaceId: string, q: string) => ['workspace', workspaceId, 'communities', 'member-search', q] as const,
  /** Member profiles show their communities: membership changes refresh them too. */
  memberProfiles: (workspaceId: string) => ['workspace', workspaceId, 'members'] as const,
};
