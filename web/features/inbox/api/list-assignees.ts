import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { inboxKeys } from './keys.ts';

const assigneesSchema = z.object({ users: z.array(z.object({ id: z.number(), name: z.string(), role: z.string() })) });

/** People conversations can be assigned to (organizers only). */
export function useAssignees(workspaceId: string, enabled: boolean) {
  return useQuery({
    queryKey: inboxKeys.assignees(workspaceId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/inbox/assignees`, assigneesSchema, { signal }),
    select: (data) => data.users,
    enabled,
    staleTime: 60_000,
  });
}
