import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { messagesKeys } from './keys.ts';

const actionsSchema = z.object({
  actions: z.array(z.object({ id: z.number(), type: z.string(), title: z.string(), status: z.string() })),
});

type ActionOption = { value: string; label: string };

/** The 200 newest actions as goal options ("Save the oaks (petition)"). */
export function useActionOptions(workspaceId: string) {
  return useQuery({
    queryKey: messagesKeys.actionOptions(workspaceId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/actions`, actionsSchema, { signal, query: { limit: 200 } }),
    select: (data): ActionOption[] =>
      data.actions.map((action) => ({
        value: String(action.id),
        label: `${action.title} (${action.type}${action.status === 'draft' ? ', draft' : ''})`,
      })),
    staleTime: 60_000,
  });
}
