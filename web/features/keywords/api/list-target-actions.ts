import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { keywordsKeys } from './keys.ts';

const schema = z.object({ actions: z.array(z.object({ id: z.number(), type: z.string(), title: z.string(), status: z.string() })) });

/** Actions a keyword can answer with (petitions, events, calls …), as select options; drafts and closed ones marked. */
export function useTargetActions(workspaceId: string, enabled: boolean) {
  return useQuery({
    queryKey: keywordsKeys.actions(workspaceId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/actions`, schema, { signal, query: { limit: 200 } }),
    enabled,
    select: (data) =>
      data.actions
        .map((action) => ({
          value: String(action.id),
          label: `${action.title} (${action.type}${action.status === 'published' ? '' : `, ${action.status}`})`,
        }))
        .sort((a, b) => a.label.localeCompare(b.label)),
  });
}
