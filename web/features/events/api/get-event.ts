import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { eventsKeys } from './keys.ts';
import { eventSummarySchema } from './list-events.ts';

export const shiftSchema = z.object({
  id: z.number(),
  date: z.string(),
  start: z.string(),
  end: z.string(),
  startsAt: z.number(),
  endsAt: z.number(),
  capacity: z.number().nullable(),
  waitlist: z.boolean(),
  going: z.number(),
  waitlisted: z.number(),
  attended: z.number(),
  spotsLeft: z.number().nullable(),
  checkinCode: z.string(),
});

export const eventSchema = eventSummarySchema.extend({
  summary: z.string(),
  description: z.string(),
  location: z.string(),
  address: z.string(),
  joinUrl: z.string(),
  hostName: z.string(),
  volunteerHosted: z.boolean(),
  consentWording: z.string().nullable(),
  communityId: z.number().nullable(),
  nextActionId: z.number().nullable(),
  url: z.string(),
  publishedAt: z.number().nullable(),
  closedAt: z.number().nullable(),
  shifts: z.array(shiftSchema),
});
export type EventDetail = z.infer<typeof eventSchema>;

function getEvent(workspaceId: string, eventId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/events/${eventId}`, eventSchema, { signal });
}

/** One event with its shifts and their counters (refreshed every 10 s while published). */
export function useEvent(workspaceId: string, eventId: string, enabled = true) {
  return useQuery({
    queryKey: eventsKeys.detail(workspaceId, eventId),
    queryFn: ({ signal }) => getEvent(workspaceId, eventId, signal),
    enabled,
    refetchInterval: (query) => (query.state.data?.status === 'published' ? 10_000 : false),
  });
}
