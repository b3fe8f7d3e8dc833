import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import type { BroadcastInput } from './create-broadcast.ts';
import { messagesKeys } from './keys.ts';
import { senderSchema } from './list-senders.ts';

const problemSchema = z.object({ field: z.string(), message: z.string() });
export const previewSchema = z.object({
  recipients: z.object({
    total: z.number(),
    reachable: z.number(),
    noConsent: z.number(),
    optedOut: z.number(),
    noAddress: z.number(),
    landline: z.number(),
  }),
  languages: z.record(z.string(), z.number()),
  renders: z.array(
    z.object({
      language: z.string(),
      sample: z.string(),
      encoding: z.enum(['gsm7', 'ucs2']).or(z.string()),
      units: z.number(),
      segments: z.number(),
      ucs2Chars: z.array(z.string()),
    }),
  ),
  segmentsPerMessage: z.number(),
  costMicros: z.number(),
  drainSeconds: z.number(),
  sender: senderSchema.nullable(),
  problems: z.array(problemSchema),
});

export type Preview = z.infer<typeof previewSchema>;

export type PreviewInput = Omit<BroadcastInput, 'name' | 'holdoutPercent' | 'goal'> & { name?: string };

function previewBroadcast(workspaceId: string, input: PreviewInput, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/broadcasts/preview`, previewSchema, { method: 'POST', body: input, signal });
}

/**
 * Who a broadcast would reach and what it would cost, for `input` (null: nothing to ask yet). The last answer stays
 * on screen while the next one loads, so the numbers do not flicker as the organizer types.
 */
export function useBroadcastPreview(workspaceId: string, input: PreviewInput | null) {
  return useQuery({
    queryKey: messagesKeys.preview(workspaceId, input),
    queryFn: ({ signal }) => previewBroadcast(workspaceId, input as PreviewInput, signal),
    enabled: input !== null,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}
