import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';

export const ACTION_TYPES = ['petition', 'event', 'call', 'survey', 'share', 'story'] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

const actionSchema = z.object({
  id: z.number(),
  type: z.enum(ACTION_TYPES),
  title: z.string(),
  slug: z.string(),
  status: z.enum(['draft', 'published', 'closed']),
  takenCount: z.number(),
  goal: z.number().nullable(),
  communityId: z.number().nullable(),
  path: z.string(),
  createdAt: z.number(),
  publishedAt: z.number().nullable(),
});
export type ActionSummary = z.infer<typeof actionSchema>;

const listSchema = z.object({ actions: z.array(actionSchema) });

/** Every action of the workspace, newest first. */
export function useActions(workspaceId: string) {
  return useQuery({
    queryKey: ['workspaces', workspaceId, 'actions', 'list'],
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/actions`, listSchema, { signal }),
    select: (data) => data.actions,
    refetchInterval: 15_000,
  });
}
