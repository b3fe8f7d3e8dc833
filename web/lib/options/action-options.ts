import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../api-client.ts';
import { type Option, optionsKeys } from './keys.ts';

const actionsSchema = z.object({
  actions: z.array(z.object({ id: z.number(), type: z.string(), title: z.string(), status: z.string() })),
});

const KIND_LABELS: Record<string, string> = {
  petition: 'petition',
  event: 'event',
  call: 'call',
  survey: 'survey',
  share: 'share',
  story: 'story',
};

function listActions(workspaceId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/actions`, actionsSchema, { signal, query: { limit: 200 } });
}

/** The 200 newest actions of every kind (or of these kinds), as options ("Save the oaks (petition)"). */
export function useActionOptions(workspaceId: string, types?: readonly string[]) {
  return useQuery({
    queryKey: optionsKeys.actions(workspaceId),
    queryFn: ({ signal }) => listActions(workspaceId, signal),
    select: (data): Option[] =>
      data.actions
        .filter((a) => types === undefined || types.includes(a.type))
        .map((a) => ({
          value: String(a.id),
          label: `${a.title} (${KIND_LABELS[a.type] ?? a.type}${a.status === 'draft' ? ', draft' : ''})`,
        })),
    staleTime: 60_000,
  });
}
