import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { eventSchema } from './get-event.ts';
import { eventsKeys } from './keys.ts';

export type EventTransition = 'publish' | 'close' | 'approve';

function setEventStatus(workspaceId: string, eventId: string, action: EventTransition) {
  return apiRequest(`/api/workspaces/${workspaceId}/events/${eventId}/${action}`, eventSchema, { method: 'POST' });
}

/** Publishes (the page takes RSVPs), closes (RSVPs stop), or approves a volunteer-hosted event. */
export function useSetEventStatus(workspaceId: string, eventId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: EventTransition) => setEventStatus(workspaceId, eventId, action),
    onSuccess: (event) => {
      queryClient.setQueryData(eventsKeys.detail(workspaceId, eventId), event);
      return queryClient.invalidateQueries({ queryKey: eventsKeys.list(workspaceId) });
    },
  });
}
