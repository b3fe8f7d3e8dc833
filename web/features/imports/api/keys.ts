// Query keys of this feature, under ['workspace', id, 'imports'].
export const importsKeys = {
  all: (workspaceId: string) => ['workspace', workspaceId, 'imports'] as const,
  list: (workspaceId: string) => ['workspace', workspaceId, 'imports', 'list'] as const,
  detail: (workspaceId: string, importId: string) => ['workspace', workspaceId, 'imports', 'detail', importId] as const,
  errors: (workspaceId: string, importId: string) => ['workspace', workspaceId, 'imports', 'detail', importId, 'errors'] as const,
  communityOptions: (workspaceId: string) => ['workspace', workspaceId, 'communities', 'options', 'imports'] as const,
  /** What a finished import changes elsewhere: the member list and the community counts. */
  affected: (workspaceId: string) => [['workspace', workspaceId, 'members'] as const, ['workspace', workspaceId, 'communities'] as const],
};
