import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { roleSchema } from '../../../lib/session.ts';
import { settingsKeys } from './keys.ts';

export const invitationSchema = z.object({
  id: z.number(),
  email: z.string(),
  role: roleSchema,
  status: z.enum(['pending', 'accepted', 'expired', 'revoked']),
  createdAt: z.string(),
  expiresAt: z.string(),
  invitedBy: z.object({ id: z.number(), name: z.string() }).nullable(),
});

const invitationsSchema = z.object({ invitations: z.array(invitationSchema) });

export type Invitation = z.infer<typeof invitationSchema>;

function listInvitations(workspaceId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/invitations`, invitationsSchema, { signal });
}

export function useInvitations(workspaceId: string, enabled = true) {
  return useQuery({
    queryKey: settingsKeys.invitations(workspaceId),
    queryFn: ({ signal }) => listInvitations(workspaceId, signal),
    enabled,
  });
}
