import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { type Import, importSchema } from './get-import.ts';
import { importsKeys } from './keys.ts';

export type ImportOptions = {
  dryRun?: boolean;
  communityIds?: number[];
  tags?: string[];
  source?: string;
  dedupe?: 'update' | 'skip';
  consent?: { smsColumn?: string; emailColumn?: string; wording: string };
};

export type StartImport = { mapping: Record<string, string>; options: ImportOptions };

function startImport(workspaceId: string, importId: string, input: StartImport) {
  return apiRequest(`/api/workspaces/${workspaceId}/imports/${importId}/start`, importSchema, { method: 'POST', body: input });
}

/** Starts the check (`options.dryRun`) or the real import; the answer is the import, now queued. */
export function useStartImport(workspaceId: string, importId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: StartImport) => startImport(workspaceId, importId, input),
    onSuccess: (started: Import) => {
      queryClient.setQueryData(importsKeys.detail(workspaceId, importId), started);
      queryClient.removeQueries({ queryKey: importsKeys.errors(workspaceId, importId) });
      return queryClient.invalidateQueries({ queryKey: importsKeys.list(workspaceId) });
    },
  });
}
