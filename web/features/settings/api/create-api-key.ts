import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import type { Role } from '../../../lib/roles.ts';
import { settingsKeys } from './keys.ts';
import { apiKeySchema } from './list-api-keys.ts';

const createdApiKeySchema = z.object({ apiKey: apiKeySchema, secret: z.string() });

function createApiKey(workspaceId: string, input: { name: string; role: Role }) {
  return apiRequest(`/api/workspaces/${workspaceId}/api-keys`, createdApiKeySchema, { method: 'POST', body: input });
}

export function useCreateApiKey(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; role: Role }) => createApiKey(workspaceId, input),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: settingsKeys.apiKeys(workspaceId) }),
        queryClient.invalidateQueries({ queryKey: settingsKeys.audit(workspaceId) }),
      ]),
  });
}
