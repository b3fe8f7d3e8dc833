import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import type { Role } from '../../../lib/roles.ts';
import { settingsKeys } from './keys.ts';
import { invitationSchema } from './list-invitations.ts';

const createdInvitationSchema = z.object({ invitation: invitationSchema, acceptUrl: z.string() });

function createInvitation(workspaceId: string, input: { email: string; role: Role }) {
  return apiRequest(`/api/workspaces/${workspaceId}/invitations`, createdInvitationSchema, {
    method: 'POST',
    body: input,
  });
}

export function useCreateInvitation(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { email: string; role: Role }) => createInvitation(workspaceId, input),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: settingsKeys.invitations(workspaceId) }),
        queryClient.invalidateQueries({ queryKey: settingsKeys.audit(workspaceId) }),
      ]),
  });
}
