import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { roleSchema } from '../../../lib/session.ts';
import { settingsKeys } from './keys.ts';

export const apiKeySchema = z.object({
  id: z.number(),
  name: z.string(),
  role: roleSchema,
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  createdBy: z.object({ id: z.number(), name: z.string() }).nullable(),
});

const apiKeysSchema = z.object({ apiKeys: z.array(apiKeySchema) });

export type ApiKey = z.infer<typeof apiKeySchema>;

function listApiKeys(workspaceId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/api-keys`, apiKeysSchema, { signal });
}

export function useApiKeys(workspaceId: string) {
  return useQuery({
    queryKey: settingsKeys.apiKeys(workspaceId),
    queryFn: ({ signal }) => listApiKeys(workspaceId, signal),
  });
}
