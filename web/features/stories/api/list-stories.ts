import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { storiesKeys } from './keys.ts';

export const STORY_STATUSES = ['draft', 'published', 'closed'] as const;
export type StoryStatus = (typeof STORY_STATUSES)[number];

export const storySummarySchema = z.object({
  id: z.number(),
  title: z.string(),
  slug: z.string(),
  status: z.enum(STORY_STATUSES),
  submitted: z.number(),
  counts: z.object({ pending: z.number(), approved: z.number(), rejected: z.number() }),
  url: z.string(),
  createdAt: z.number(),
  publishedAt: z.number().nullable(),
});

const listSchema = z.object({ stories: z.array(storySummarySchema) });

/** Every story action, newest first; refreshed every 10 s so the queue counts move. */
export function useStories(workspaceId: string) {
  return useQuery({
    queryKey: storiesKeys.list(workspaceId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/stories`, listSchema, { signal }),
    refetchInterval: 10_000,
  });
}
