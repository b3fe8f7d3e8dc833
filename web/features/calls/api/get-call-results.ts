import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { callsKeys } from './keys.ts';

const counts = z.object({ reached: z.number(), voicemail: z.number(), busy: z.number(), no_answer: z.number() });
const resultsSchema = z.object({
  total: z.number(),
  callers: z.number(),
  byOutcome: counts,
  byTarget: z.array(z.object({ name: z.string(), total: z.number(), outcomes: counts })),
});

/** Calls logged by outcome and by person called, refreshed every 10 s. */
export function useCallResults(workspaceId: string, callId: string) {
  return useQuery({
    queryKey: callsKeys.results(workspaceId, callId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/calls/${callId}/results`, resultsSchema, { signal }),
    refetchInterval: 10_000,
  });
}
