// Query keys of this feature, under ['workspace', id, 'calls'] so one invalidation refreshes every calls screen.
export const callsKeys = {
  all: (workspaceId: string) => ['workspace', workspaceId, 'calls'] as const,
  actions: (workspaceId: string, type: string) => ['workspace', workspaceId, 'calls', 'actions', type] as const,
  detail: (workspaceId: string, callId: string) => ['workspace', workspaceId, 'calls', 'detail', callId] as const,
  results: (workspaceId: string, callId: string) => ['workspace', workspaceId, 'calls', 'results', callId] as const,
  officials: (workspaceId: string, q: string) => ['workspace', workspaceId, 'calls', 'officials', q] as const,
  districts: (workspaceId: string, q: string) => ['workspace', workspaceId, 'calls', 'districts', q] as const,
  voiceLines: (workspaceId: string) => ['workspace', workspaceId, 'calls', 'voice-lines'] as const,
};
