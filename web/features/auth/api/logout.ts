import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { clearSession } from '../../../lib/session.ts';

function logout(): Promise<void> {
  return apiRequest('/api/auth/logout', null, { method: 'POST', expectUnauthorized: true });
}

export function useLogout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: logout,
    // Signed out locally even if the server could not be told: the cookie is useless without the CSRF token.
    onSettled: () => clearSession(queryClient),
  });
}
