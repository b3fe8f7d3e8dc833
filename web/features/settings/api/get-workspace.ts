import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { settingsKeys } from './keys.ts';

export const workspaceSchema = z.object({
  id: z.number(),
  name: z.string(),
  slug: z.string(),
  timezone: z.string(),
  defaultCountry: z.string(),
  quietHoursStart: z.string(),
  quietHoursEnd: z.string(),
  createdAt: z.string(),
});

export type Workspace = z.infer<typeof workspaceSchema>;

function getWorkspace(workspaceId: string, signal: AbortSignal): Promise<Workspace> {
  return apiRequest(`/api/workspaces/${workspaceId}`, workspaceSchema, { signal });
}

export function useWorkspace(workspaceId: string) {
  return useQuery({
    queryKey: settingsKeys.workspace(workspaceId),
    queryFn: ({ signal }) => getWorkspace(workspaceId, signal),
  });
}
