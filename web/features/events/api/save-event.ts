import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { eventSchema } from './get-event.ts';
import { eventsKeys } from './keys.ts';

export type ShiftInput = { id?: number; date: string; start: string; end: string; capacity: number | null; waitlist: boolean };
export type EventInput = {
  title: string;
  summary: string;
  description: string;
  format: 'in_person' | 'virtual';
  location: string;
  address: string;
  joinUrl: string;
  timezone: string;
  hostName: string;
  volunteerHosted: boolean;
  /** The next step after an RSVP (another action), or null. */
  nextActionId: number | null;
  shifts: ShiftInput[];
};

function saveEvent(workspaceId: string, eventId: string | null, input: EventInput) {
  return eventId === null
    ? apiRequest(`/api/workspaces/${workspaceId}/events`, eventSchema, { method: 'POST', body: input })
    : apiRequest(`/api/workspaces/${workspaceId}/events/${eventId}`, eventSchema, { method: 'PATCH', body: input });
}

/** Creates a draft event (eventId null) or saves changes to one, shifts included. */
export function useSaveEvent(workspaceId: string, eventId: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: EventInput) => saveEvent(workspaceId, eventId, input),
    onSuccess: (event) => {
      queryClient.setQueryData(eventsKeys.detail(workspaceId, String(event.id)), event);
      return queryClient.invalidateQueries({ queryKey: eventsKeys.list(workspaceId) });
    },
  });
}
