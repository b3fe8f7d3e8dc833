import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { roleSchema } from '../../../lib/session.ts';

const invitationPreviewSchema = z.object({
  workspace: z.object({ name: z.string() }),
  email: z.string(),
  role: roleSchema,
  hasAccount: z.boolean(),
});

export type InvitationPreview = z.infer<typeof invitationPreviewSchema>;

function getInvitation(token: string, signal: AbortSignal): Promise<InvitationPreview> {
  return apiRequest(`/api/invitations/${encodeURIComponent(token)}`, invitationPreviewSchema, {
    signal,
    expectUnauthorized: true,
  });
}

export function useInvitation(token: string) {
  return useQuery({
    queryKey: ['invitation', token],
    queryFn: ({ signal }) => getInvitation(token, signal),
    staleTime: Number.POSITIVE_INFINITY,
  });
}
