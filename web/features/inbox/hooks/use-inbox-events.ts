import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { inboxKeys } from '../api/keys.ts';

export type LiveState = 'connecting' | 'live' | 'offline';

/**
 * Listens to the inbox's live events (Server-Sent Events) while mounted and refreshes the inbox queries when
 * conversations change; on (re)connection everything is refreshed once, so nothing missed while away stays stale.
 * EventSource reconnects by itself after a network drop.
 */
export function useInboxEvents(workspaceId: string): LiveState {
  const queryClient = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    const source = new EventSource(`/api/workspaces/${workspaceId}/inbox/events`, { withCredentials: true });
    const refresh = () => void queryClient.invalidateQueries({ queryKey: inboxKeys.all(workspaceId) });
    source.addEventListener('ready', () => {
      setState('live');
      refresh();
    });
    source.addEventListener('conversations', refresh);
    source.onerror = () => setState(source.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
    return () => source.close();
  }, [workspaceId, queryClient]);
  return state;
}
