import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { type Broadcast, broadcastSchema, type Goal, type Schedule } from './get-broadcast.ts';
import { messagesKeys } from './keys.ts';
import type { Channel } from './list-broadcasts.ts';

/** What the composer sends: the same body creates, previews and (partly) updates a broadcast. */
export type BroadcastInput = {
  name: string;
  channel: Channel;
  audience: { communityIds: number[]; tags: string[] };
  senderId: number | null;
  templates: Record<string, string>;
  defaultLanguage: string;
  subject: string | null;
  mediaUrl: string | null;
  trackLinks: boolean;
  utm: { source?: string; medium?: string; campaign?: string } | null;
  schedule: Schedule;
  throttlePerMinute: number | null;
  /** 0–50 % of the audience held out of the send, to measure it against. */
  holdoutPercent: number;
  goal: Goal | null;
};

function createBroadcast(workspaceId: string, input: BroadcastInput) {
  return apiRequest(`/api/workspaces/${workspaceId}/broadcasts`, broadcastSchema, { method: 'POST', body: input });
}

/** Saves a new broadcast as a draft. */
export function useCreateBroadcast(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: BroadcastInput) => createBroadcast(workspaceId, input),
    onSuccess: (broadcast: Broadcast) => {
      queryClient.setQueryData(messagesKeys.detail(workspaceId, String(broadcast.id)), broadcast);
      return queryClient.invalidateQueries({ queryKey: [...messagesKeys.broadcasts(workspaceId), 'list'] });
    },
  });
}
