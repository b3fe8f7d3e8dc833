import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import type { Role } from '../../../lib/roles.ts';
import { sessionQueryKey } from '../../../lib/session.ts';
import { settingsKeys } from './keys.ts';
import { staffUserSchema } from './list-users.ts';

function updateUserRole(workspaceId: string, userId: number, role: Role) {
  return apiRequest(`/api/workspaces/${workspaceId}/users/${userId}`, staffUserSchema, {
    method: 'PATCH',
    body: { role },
  });
}

export function useUpdateUserRole(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { userId: number; role: Role }) => updateUserRole(workspaceId, input.userId, input.role),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: settingsKeys.users(workspaceId) }),
        queryClient.invalidateQueries({ queryKey: settingsKeys.audit(workspaceId) }),
        // Changing one's own role changes what the dashboard shows.
        queryClient.invalidateQueries({ queryKey: sessionQueryKey }),
      ]),
  });
}
