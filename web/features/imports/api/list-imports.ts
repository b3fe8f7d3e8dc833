import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { importSchema, isBusy } from './get-import.ts';
import { importsKeys } from './keys.ts';

const importsSchema = z.object({ imports: z.array(importSchema) });

function listImports(workspaceId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/imports`, importsSchema, { signal });
}

/** Past and running imports of the workspace, newest first; refreshed every few seconds while one runs. */
export function useImports(workspaceId: string) {
  return useQuery({
    queryKey: importsKeys.list(workspaceId),
    queryFn: ({ signal }) => listImports(workspaceId, signal),
    refetchInterval: (query) => (query.state.data?.imports.some((item) => isBusy(item.status)) ? 3000 : false),
  });
}
