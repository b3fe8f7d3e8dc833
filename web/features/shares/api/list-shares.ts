import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { sharesKeys } from './keys.ts';

export const SHARE_STATUSES = ['draft', 'published', 'closed'] as const;
export type ShareStatus = (typeof SHARE_STATUSES)[number];

export const shareSummarySchema = z.object({
  id: z.number(),
  title: z.string(),
  slug: z.string(),
  status: z.enum(SHARE_STATUSES),
  sharers: z.number(),
  url: z.string(),
  createdAt: z.number(),
});

const listSchema = z.object({ shares: z.array(shareSummarySchema) });

/** Every share action, newest first; refreshed every 10 s so the counts move. */
export function useShares(workspaceId: string) {
  return useQuery({
    queryKey: sharesKeys.list(workspaceId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/shares`, listSchema, { signal }),
    refetchInterval: 10_000,
  });
}
