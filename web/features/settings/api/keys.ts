// Query keys of this feature. Everything of a workspace sits under ['workspace', id] so one call can refresh it.
export const settingsKeys = {
  workspace: (workspaceId: string) => ['workspace', workspaceId] as const,
  users: (workspaceId: string) => ['workspace', workspaceId, 'users'] as const,
  invitations: (workspaceId: string) => ['workspace', workspaceId, 'invitations'] as const,
  apiKeys: (workspaceId: string) => ['workspace', workspaceId, 'api-keys'] as const,
  audit: (workspaceId: string) => ['workspace', workspaceId, 'audit'] as const,
  jobs: (workspaceId: string, state?: string) =>
    state ? (['workspace', workspaceId, 'jobs', state] as const) : (['workspace', workspaceId, 'jobs'] as const),
};
