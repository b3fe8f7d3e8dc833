import { useInfiniteQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { membersKeys } from './keys.ts';

const activitySchema = z.object({
  id: z.number(),
  type: z.string(),
  community: z.object({ id: z.number(), name: z.string() }).nullable(),
  subjectType: z.string().nullable(),
  subjectId: z.number().nullable(),
  data: z.record(z.string(), z.unknown()).nullable(),
  occurredAt: z.string(),
});

const timelinePageSchema = z.object({
  activities: z.array(activitySchema),
  nextBefore: z.string().nullable(),
});

export type Activity = z.infer<typeof activitySchema>;

const PAGE_SIZE = 30;

function listTimeline(workspaceId: string, memberId: string, before: string | undefined, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/members/${memberId}/timeline`, timelinePageSchema, {
    signal,
    query: { before, limit: PAGE_SIZE },
  });
}

/** What the member did and received, newest first, a page at a time (`fetchNextPage` for older ones). */
export function useTimeline(workspaceId: string, memberId: string) {
  return useInfiniteQuery({
    queryKey: membersKeys.timeline(workspaceId, memberId),
    queryFn: ({ pageParam, signal }) => listTimeline(workspaceId, memberId, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextBefore ?? undefined,
  });
}
