import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { callsKeys } from './keys.ts';

const voiceLinesSchema = z.object({
  accounts: z.array(
    z.object({
      id: z.number(),
      name: z.string(),
      provider: z.string(),
      status: z.enum(['active', 'auth_failed', 'disabled']),
      numbers: z.array(z.object({ address: z.string(), label: z.string(), kind: z.enum(['long_code', 'toll_free']) })),
    }),
  ),
});

/** The channel accounts that can call members for patch-through (Twilio), with the numbers they call from. */
export function useVoiceLines(workspaceId: string, enabled: boolean) {
  return useQuery({
    queryKey: callsKeys.voiceLines(workspaceId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/calls/voice-lines`, voiceLinesSchema, { signal }),
    select: (data) => data.accounts,
    enabled,
  });
}
