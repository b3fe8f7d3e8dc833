import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { sessionQueryKey } from '../../../lib/session.ts';
import { type Workspace, workspaceSchema } from './get-workspace.ts';
import { settingsKeys } from './keys.ts';

export type WorkspacePatch = Partial<Pick<Workspace, 'name' | 'timezone' | 'defaultCountry' | 'quietHoursStart' | 'quietHoursEnd'>>;

function updateWorkspace(workspaceId: string, patch: WorkspacePatch): Promise<Workspace> {
  return apiRequest(`/api/workspaces/${workspaceId}`, workspaceSchema, { method: 'PATCH', body: patch });
}

export function useUpdateWorkspace(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: WorkspacePatch) => updateWorkspace(workspaceId, patch),
    onSuccess: async (workspace) => {
      queryClient.setQueryData(settingsKeys.workspace(workspaceId), workspace);
      // The name also shows in the header and switcher, which read the session.
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: sessionQueryKey }),
        queryClient.invalidateQueries({ queryKey: settingsKeys.audit(workspaceId) }),
      ]);
    },
  });
}
