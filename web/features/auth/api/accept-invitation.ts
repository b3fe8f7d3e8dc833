import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { type Session, sessionSchema, storeSession } from '../../../lib/session.ts';

export type AcceptInvitationInput = { name?: string; password: string };

function acceptInvitation(token: string, input: AcceptInvitationInput): Promise<Session> {
  return apiRequest(`/api/invitations/${encodeURIComponent(token)}/accept`, sessionSchema, {
    method: 'POST',
    body: input,
    expectUnauthorized: true,
  });
}

export function useAcceptInvitation(token: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: AcceptInvitationInput) => acceptInvitation(token, input),
    onSuccess: (session) => storeSession(queryClient, session),
  });
}
