import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { goalSchema } from './get-broadcast.ts';
import { messagesKeys } from './keys.ts';

const groupSchema = z.object({ n: z.number(), reached: z.number(), rate: z.number().nullable() });

export const liftSchema = z.object({
  holdoutPercent: z.number(),
  goal: goalSchema.nullable(),
  window: z.object({ from: z.number(), until: z.number(), open: z.boolean() }).nullable(),
  treated: groupSchema.nullable(),
  heldOut: groupSchema.nullable(),
  difference: z.number().nullable(),
  interval: z.object({ low: z.number(), high: z.number(), level: z.number(), method: z.string() }).nullable(),
});

export type Lift = z.infer<typeof liftSchema>;

function getLift(workspaceId: string, broadcastId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/broadcasts/${broadcastId}/lift`, liftSchema, { signal });
}

/** The holdout comparison of a broadcast; read again every minute while its goal window is open. */
export function useLift(workspaceId: string, broadcastId: string) {
  return useQuery({
    queryKey: messagesKeys.lift(workspaceId, broadcastId),
    queryFn: ({ signal }) => getLift(workspaceId, broadcastId, signal),
    refetchInterval: (query) => (query.state.data?.window?.open ? 60_000 : false),
  });
}
