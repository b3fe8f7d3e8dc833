import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { membersKeys } from './keys.ts';
import { consentStateSchema } from './list-members.ts';

const consentEventSchema = z.object({
  id: z.number(),
  channel: z.enum(['sms', 'email']),
  status: z.enum(['granted', 'revoked']),
  method: z.string(),
  wording: z.string().nullable(),
  sourceUrl: z.string().nullable(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  recordedBy: z.object({ id: z.number(), name: z.string() }).nullable(),
  importId: z.number().nullable(),
  createdAt: z.string(),
});

const consentSchema = z.object({
  current: z.object({ sms: consentStateSchema, email: consentStateSchema }),
  events: z.array(consentEventSchema),
});

export type ConsentEvent = z.infer<typeof consentEventSchema>;

function getConsent(workspaceId: string, memberId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/members/${memberId}/consent`, consentSchema, { signal });
}

/** The member's consent ledger (append-only) and the current state it adds up to. */
export function useConsent(workspaceId: string, memberId: string) {
  return useQuery({
    queryKey: membersKeys.consent(workspaceId, memberId),
    queryFn: ({ signal }) => getConsent(workspaceId, memberId, signal),
  });
}
