import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { importsKeys } from './keys.ts';

function cancelImport(workspaceId: string, importId: string) {
  return apiRequest(`/api/workspaces/${workspaceId}/imports/${importId}/cancel`, z.unknown(), { method: 'POST' });
}

/** Stops a running import after the rows in progress; rows already imported stay. */
export function useCancelImport(workspaceId: string, importId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => cancelImport(workspaceId, importId),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: importsKeys.all(workspaceId) }),
  });
}
