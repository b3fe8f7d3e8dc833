import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { messagesKeys } from './keys.ts';
import { broadcastSummarySchema, isActive } from './list-broadcasts.ts';

export const scheduleSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('now') }),
  z.object({ kind: z.literal('at'), at: z.number() }),
  z.object({ kind: z.literal('local_time'), date: z.string(), time: z.string() }),
]);

export type Schedule = z.infer<typeof scheduleSchema>;

export const utmSchema = z.object({
  source: z.string().nullish(),
  medium: z.string().nullish(),
  campaign: z.string().nullish(),
});

/** What a holdout is measured on: a member did one of these activities (of the action, if one) within N days. */
export const goalSchema = z.object({ types: z.array(z.string()), actionId: z.number().nullish(), withinDays: z.number() });
export type Goal = z.infer<typeof goalSchema>;

export const broadcastSchema = broadcastSummarySchema.extend({
  audience: z.object({ communityIds: z.array(z.number()), tags: z.array(z.string()) }),
  senderId: z.number().nullable(),
  templates: z.record(z.string(), z.string()),
  defaultLanguage: z.string(),
  subject: z.string().nullish(),
  mediaUrl: z.string().nullish(),
  trackLinks: z.boolean(),
  utm: utmSchema.nullish(),
  schedule: scheduleSchema.nullish(),
  throttlePerMinute: z.number().nullish(),
  pauseReason: z.string().nullable(),
  updatedAt: z.number(),
  failuresByCode: z.array(z.object({ code: z.string(), count: z.number(), description: z.string().nullish() })),
  holdoutPercent: z.number().default(0),
  goal: goalSchema.nullish(),
});

export type Broadcast = z.infer<typeof broadcastSchema>;

function getBroadcast(workspaceId: string, broadcastId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/broadcasts/${broadcastId}`, broadcastSchema, { signal });
}

/** One broadcast with its counters: every 2 s while it expands, sends or is paused, every 15 s while scheduled. */
export function useBroadcast(workspaceId: string, broadcastId: string) {
  return useQuery({
    queryKey: messagesKeys.detail(workspaceId, broadcastId),
    queryFn: ({ signal }) => getBroadcast(workspaceId, broadcastId, signal),
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      if (!status) return false;
      if (isActive(status)) return 2000;
      return status === 'scheduled' ? 15_000 : false;
    },
  });
}
