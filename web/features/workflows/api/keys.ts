// Query keys of this feature, under ['workspace', id, 'workflows'] so one invalidation refreshes every workflow screen.
export const workflowsKeys = {
  all: (workspaceId: string) => ['workspace', workspaceId, 'workflows'] as const,
  list: (workspaceId: string) => ['workspace', workspaceId, 'workflows', 'list'] as const,
  detail: (workspaceId: string, workflowId: string) => ['workspace', workspaceId, 'workflows', 'detail', workflowId] as const,
  report: (workspaceId: string, workflowId: string, version: number | null) =>
    ['workspace', workspaceId, 'workflows', 'detail', workflowId, 'report', version ?? 'current'] as const,
  runs: (workspaceId: string, workflowId: string, status: string, before: number | null) =>
    ['workspace', workspaceId, 'workflows', 'detail', workflowId, 'runs', status, before ?? 'first'] as const,
  secret: (workspaceId: string, workflowId: string) => ['workspace', workspaceId, 'workflows', 'detail', workflowId, 'secret'] as const,
  playbooks: (workspaceId: string) => ['workspace', workspaceId, 'workflows', 'playbooks'] as const,
};
