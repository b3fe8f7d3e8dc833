import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { eventsKeys } from './keys.ts';

export const EVENT_STATUSES = ['draft', 'published', 'closed'] as const;
export type EventStatus = (typeof EVENT_STATUSES)[number];

export const eventSummarySchema = z.object({
  id: z.number(),
  title: z.string(),
  slug: z.string(),
  status: z.enum(EVENT_STATUSES),
  approval: z.enum(['approved', 'pending']),
  format: z.enum(['in_person', 'virtual']),
  timezone: z.string(),
  nextShift: z.object({ startsAt: z.number(), endsAt: z.number() }).nullable(),
  shiftCount: z.number(),
  going: z.number(),
  capacity: z.number().nullable(),
  takenCount: z.number(),
  path: z.string(),
  createdAt: z.number(),
});

function listEvents(workspaceId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/events`, z.object({ events: z.array(eventSummarySchema) }), { signal });
}

/** Every event of the workspace, newest first. */
export function useEvents(workspaceId: string) {
  return useQuery({ queryKey: eventsKeys.list(workspaceId), queryFn: ({ signal }) => listEvents(workspaceId, signal) });
}
