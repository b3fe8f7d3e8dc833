// Query keys of this feature, under ['workspace', id, 'surveys'] so one invalidation refreshes every survey screen.
export const surveysKeys = {
  all: (workspaceId: string) => ['workspace', workspaceId, 'surveys'] as const,
  list: (workspaceId: string) => ['workspace', workspaceId, 'surveys', 'list'] as const,
  detail: (workspaceId: string, surveyId: string) => ['workspace', workspaceId, 'surveys', 'detail', surveyId] as const,
  results: (workspaceId: string, surveyId: string) => ['workspace', workspaceId, 'surveys', 'results', surveyId] as const,
  responses: (workspaceId: string, surveyId: string) => ['workspace', workspaceId, 'surveys', 'responses', surveyId] as const,
  sends: (workspaceId: string, surveyId: string) => ['workspace', workspaceId, 'surveys', 'sends', surveyId] as const,
  communityOptions: (workspaceId: string) => ['workspace', workspaceId, 'surveys', 'community-options'] as const,
};
