import { type InfiniteData, useInfiniteQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { messagesKeys } from './keys.ts';

export const BROADCAST_STATUSES = ['draft', 'scheduled', 'expanding', 'sending', 'paused', 'completed', 'cancelled'] as const;
export type BroadcastStatus = (typeof BROADCAST_STATUSES)[number];

/** Statuses in which the numbers move by themselves: report screens poll while a broadcast is in one. */
export function isActive(status: BroadcastStatus): boolean {
  return status === 'expanding' || status === 'sending' || status === 'paused';
}

export const channelSchema = z.enum(['sms', 'email']);
export type Channel = z.infer<typeof channelSchema>;

export const broadcastStatsSchema = z.object({
  queued: z.number(),
  sent: z.number(),
  delivered: z.number(),
  failed: z.number(),
  unknown: z.number(),
  cancelled: z.number(),
  clicked: z.number(),
  clicks: z.number(),
  replied: z.number(),
  optedOut: z.number(),
  costMicros: z.number(),
  skipped: z.object({
    noConsent: z.number(),
    optedOut: z.number(),
    noAddress: z.number(),
    landline: z.number(),
    frequencyCap: z.number(),
  }),
  heldOut: z.number().default(0),
  finished: z.number(),
});

export type BroadcastStats = z.infer<typeof broadcastStatsSchema>;

export const broadcastSummarySchema = z.object({
  id: z.number(),
  name: z.string(),
  channel: channelSchema,
  status: z.enum(BROADCAST_STATUSES),
  recipientCount: z.number(),
  scheduledAt: z.number().nullable(),
  launchedAt: z.number().nullable(),
  completedAt: z.number().nullable(),
  createdAt: z.number(),
  stats: broadcastStatsSchema,
});

export type BroadcastSummary = z.infer<typeof broadcastSummarySchema>;

const pageSchema = z.object({ broadcasts: z.array(broadcastSummarySchema), nextCursor: z.number().nullable() });
type BroadcastPage = z.infer<typeof pageSchema>;

const PAGE_SIZE = 25;

function listBroadcasts(workspaceId: string, status: BroadcastStatus | undefined, cursor: number | undefined, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/broadcasts`, pageSchema, {
    signal,
    query: { status, cursor, limit: PAGE_SIZE },
  });
}

/** Broadcasts newest first, a page at a time; refreshed every few seconds while one of them is sending. */
export function useBroadcasts(workspaceId: string, status: BroadcastStatus | undefined) {
  return useInfiniteQuery({
    queryKey: messagesKeys.list(workspaceId, status ?? 'all'),
    queryFn: ({ signal, pageParam }) => listBroadcasts(workspaceId, status, pageParam, signal),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    refetchInterval: (query) => (anyActive(query.state.data) ? 5000 : false),
  });
}

function anyActive(data: InfiniteData<BroadcastPage> | undefined): boolean {
  return data?.pages.some((page) => page.broadcasts.some((broadcast) => isActive(broadcast.status))) ?? false;
}
