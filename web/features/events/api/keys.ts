// Query keys of this feature, under ['workspace', id, 'events'] so one invalidation refreshes every event screen.
export const eventsKeys = {
  all: (workspaceId: string) => ['workspace', workspaceId, 'events'] as const,
  list: (workspaceId: string) => ['workspace', workspaceId, 'events', 'list'] as const,
  nextSteps: (workspaceId: string) => ['workspace', workspaceId, 'events', 'next-steps'] as const,
  detail: (workspaceId: string, eventId: string) => ['workspace', workspaceId, 'events', 'detail', eventId] as const,
  rsvps: (workspaceId: string, eventId: string, shiftId: string, q: string) =>
    ['workspace', workspaceId, 'events', 'rsvps', eventId, shiftId, q] as const,
};
