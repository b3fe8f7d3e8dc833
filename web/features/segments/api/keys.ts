// Query keys of this feature, under ['workspace', id, 'segments'] so one invalidation refreshes every segment screen.
// Segment counts depend on members, so the members prefix is refreshed too when a segment changes.
export const segmentsKeys = {
  all: (workspaceId: string) => ['workspace', workspaceId, 'segments'] as const,
  list: (workspaceId: string) => ['workspace', workspaceId, 'segments', 'list'] as const,
  detail: (workspaceId: string, segmentId: string) => ['workspace', workspaceId, 'segments', 'detail', segmentId] as const,
  members: (workspaceId: string, segmentId: string, cursor: string | undefined) =>
    ['workspace', workspaceId, 'segments', 'detail', segmentId, 'members', cursor ?? ''] as const,
  preview: (workspaceId: string, rules: string) => ['workspace', workspaceId, 'segments', 'preview', rules] as const,
};
