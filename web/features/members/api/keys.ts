// Query keys of this feature. Everything of a workspace sits under ['workspace', id] so one call can refresh it;
// everything about members under ['workspace', id, 'members'] (imports and communities refresh that prefix too).
export const membersKeys = {
  all: (workspaceId: string) => ['workspace', workspaceId, 'members'] as const,
  lists: (workspaceId: string) => ['workspace', workspaceId, 'members', 'list'] as const,
  list: (workspaceId: string, params: Record<string, string | undefined>) => ['workspace', workspaceId, 'members', 'list', params] as const,
  detail: (workspaceId: string, memberId: string) => ['workspace', workspaceId, 'members', 'detail', memberId] as const,
  notes: (workspaceId: string, memberId: string) => ['workspace', workspaceId, 'members', 'detail', memberId, 'notes'] as const,
  consent: (workspaceId: string, memberId: string) => ['workspace', workspaceId, 'members', 'detail', memberId, 'consent'] as const,
  timeline: (workspaceId: string, memberId: string) => ['workspace', workspaceId, 'members', 'detail', memberId, 'timeline'] as const,
  duplicates: (workspaceId: string, memberId: string) => ['workspace', workspaceId, 'members', 'detail', memberId, 'duplicates'] as const,
  /** Community names for filters and pickers; its own key because the communities screens cache a richer shape. */
  communityOptions: (workspaceId: string) => ['workspace', workspaceId, 'communities', 'options', 'members'] as const,
};
