import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { workflowsKeys } from './keys.ts';

const secretSchema = z.object({ secret: z.string(), header: z.string(), algorithm: z.string() });

/** The key the workflow's webhook steps sign with; asked for only when the organizer opens it. */
export function useWebhookSecret(workspaceId: string, workflowId: string, enabled: boolean) {
  return useQuery({
    queryKey: workflowsKeys.secret(workspaceId, workflowId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/workflows/${workflowId}/webhook-secret`, secretSchema, { signal }),
    enabled,
    staleTime: Number.POSITIVE_INFINITY,
  });
}
