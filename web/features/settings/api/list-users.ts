import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { roleSchema } from '../../../lib/session.ts';
import { settingsKeys } from './keys.ts';

export const staffUserSchema = z.object({
  id: z.number(),
  email: z.string(),
  name: z.string(),
  role: roleSchema,
  joinedAt: z.string(),
  lastLoginAt: z.string().nullable(),
});

const usersSchema = z.object({ users: z.array(staffUserSchema) });

export type StaffUser = z.infer<typeof staffUserSchema>;

function listUsers(workspaceId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/users`, usersSchema, { signal });
}

export function useUsers(workspaceId: string) {
  return useQuery({
    queryKey: settingsKeys.users(workspaceId),
    queryFn: ({ signal }) => listUsers(workspaceId, signal),
  });
}
