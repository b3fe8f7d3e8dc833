import { useMutation } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';

type ChangePasswordInput = { currentPassword: string; newPassword: string };

function changePassword(input: ChangePasswordInput): Promise<void> {
  return apiRequest('/api/auth/password', null, { method: 'POST', body: input });
}

export function useChangePassword() {
  return useMutation({ mutationFn: changePassword });
}
