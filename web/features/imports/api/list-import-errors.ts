import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { importsKeys } from './keys.ts';

const errorsSchema = z.object({
  errors: z.array(
    z.object({ line: z.number(), field: z.string().nullable(), message: z.string(), severity: z.enum(['error', 'warning']) }),
  ),
  total: z.number(),
});

function listImportErrors(workspaceId: string, importId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/imports/${importId}/errors`, errorsSchema, {
    signal,
    query: { format: 'json' },
  });
}

/** The problems found in the file (errors: rows not imported; warnings: imported with a caveat), first 1,000 by line. */
export function useImportErrors(workspaceId: string, importId: string, enabled: boolean) {
  return useQuery({
    queryKey: importsKeys.errors(workspaceId, importId),
    queryFn: ({ signal }) => listImportErrors(workspaceId, importId, signal),
    enabled,
  });
}

/** Every error of the import as a CSV file (line, field, message), for fixing the spreadsheet. */
export function importErrorsCsvUrl(workspaceId: string, importId: string): string {
  return `/api/workspaces/${workspaceId}/imports/${importId}/errors?format=csv`;
}
