import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../api-client.ts';
import { optionsKeys } from './keys.ts';

const tagsSchema = z.object({ tags: z.array(z.object({ tag: z.string(), members: z.number() })) });

/** The workspace's tags, most used first, as suggestions for tag fields (a new tag can still be typed). */
export function useTagOptions(workspaceId: string) {
  return useQuery({
    queryKey: optionsKeys.tags(workspaceId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/members/tags`, tagsSchema, { signal }),
    select: (data): string[] => data.tags.map((t) => t.tag),
    staleTime: 60_000,
  });
}
