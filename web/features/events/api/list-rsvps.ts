import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { eventsKeys } from './keys.ts';

export const RSVP_STATUSES = ['going', 'waitlisted', 'cancelled', 'attended', 'no_show'] as const;
export type RsvpStatus = (typeof RSVP_STATUSES)[number];

export const rsvpSchema = z.object({
  id: z.number(),
  shiftId: z.number(),
  memberId: z.number(),
  name: z.string(),
  phoneLast4: z.string().nullable(),
  status: z.enum(RSVP_STATUSES),
  guests: z.number(),
  friendName: z.string().nullable(),
  friendPhone: z.string().nullable(),
  source: z.string().nullable(),
  ref: z.string().nullable(),
  checkedInAt: z.number().nullable(),
  checkinMethod: z.enum(['self', 'organizer']).nullable(),
  createdAt: z.number(),
});

const listSchema = z.object({
  rsvps: z.array(rsvpSchema),
  counts: z.object({ going: z.number(), waitlisted: z.number(), cancelled: z.number(), attended: z.number(), no_show: z.number() }),
});

function listRsvps(workspaceId: string, eventId: string, shiftId: string, q: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/events/${eventId}/rsvps`, listSchema, {
    signal,
    query: { shiftId: shiftId || undefined, q: q || undefined },
  });
}

/** RSVPs of a shift (all shifts when shiftId is empty) by name, with counts per status; live every 5 s. */
export function useRsvps(workspaceId: string, eventId: string, shiftId: string, q = '') {
  return useQuery({
    queryKey: eventsKeys.rsvps(workspaceId, eventId, shiftId, q),
    queryFn: ({ signal }) => listRsvps(workspaceId, eventId, shiftId, q, signal),
    placeholderData: keepPreviousData,
    refetchInterval: 5_000,
  });
}
