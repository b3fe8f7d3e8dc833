import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { eventsKeys } from './keys.ts';

function markNoShows(workspaceId: string, eventId: string, shiftId: number) {
  return apiRequest(`/api/workspaces/${workspaceId}/events/${eventId}/shifts/${shiftId}/no-shows`, z.object({ marked: z.number() }), {
    method: 'POST',
  });
}

/** After a shift: everyone still going becomes a no-show. */
export function useMarkNoShows(workspaceId: string, eventId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (shiftId: number) => markNoShows(workspaceId, eventId, shiftId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: eventsKeys.all(workspaceId) }),
  });
}
