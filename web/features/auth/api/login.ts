import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { type Session, sessionSchema, storeSession } from '../../../lib/session.ts';

type LoginInput = { email: string; password: string };

function login(input: LoginInput): Promise<Session> {
  return apiRequest('/api/auth/login', sessionSchema, { method: 'POST', body: input, expectUnauthorized: true });
}

export function useLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: login,
    onSuccess: (session) => storeSession(queryClient, session),
  });
}
