// Query keys of this feature, under ['workspace', id, 'keywords']. A community's join keywords are keywords too, so
// writes here also refresh ['workspace', id, 'communities'] (the community screens show them).
export const keywordsKeys = {
  all: (workspaceId: string) => ['workspace', workspaceId, 'keywords'] as const,
  list: (workspaceId: string) => ['workspace', workspaceId, 'keywords', 'list'] as const,
  communities: (workspaceId: string) => ['workspace', workspaceId, 'communities', 'options', 'keywords'] as const,
  surveys: (workspaceId: string) => ['workspace', workspaceId, 'surveys', 'options', 'keywords'] as const,
  actions: (workspaceId: string) => ['workspace', workspaceId, 'actions', 'options', 'keywords'] as const,
  senders: (workspaceId: string) => ['workspace', workspaceId, 'senders', 'keywords'] as const,
  /** What a keyword write changes elsewhere: the communities' join keywords. */
  communityScreens: (workspaceId: string) => ['workspace', workspaceId, 'communities'] as const,
};
