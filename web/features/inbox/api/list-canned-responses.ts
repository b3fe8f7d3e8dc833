import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { inboxKeys } from './keys.ts';

export const cannedResponseSchema = z.object({
  id: z.number(),
  title: z.string(),
  body: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type CannedResponse = z.infer<typeof cannedResponseSchema>;

const listSchema = z.object({ cannedResponses: z.array(cannedResponseSchema) });

export function useCannedResponses(workspaceId: string) {
  return useQuery({
    queryKey: inboxKeys.canned(workspaceId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/canned-responses`, listSchema, { signal }),
    select: (data) => data.cannedResponses,
  });
}
