import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { eventsKeys } from './keys.ts';
import { rsvpSchema } from './list-rsvps.ts';

export type Attendance = 'attended' | 'no_show' | 'going';

function setAttendance(workspaceId: string, eventId: string, rsvpId: number, status: Attendance) {
  return apiRequest(`/api/workspaces/${workspaceId}/events/${eventId}/rsvps/${rsvpId}/attendance`, rsvpSchema, {
    method: 'POST',
    body: { status },
  });
}

/** Checks someone in, marks a no-show, or undoes either. */
export function useSetAttendance(workspaceId: string, eventId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { rsvpId: number; status: Attendance }) => setAttendance(workspaceId, eventId, input.rsvpId, input.status),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: eventsKeys.all(workspaceId) }),
  });
}
