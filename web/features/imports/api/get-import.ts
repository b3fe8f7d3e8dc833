import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { importsKeys } from './keys.ts';

export const IMPORT_STATUSES = ['uploaded', 'validating', 'validated', 'running', 'done', 'failed', 'cancelled'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

export const importSchema = z.object({
  id: z.number(),
  filename: z.string(),
  sizeBytes: z.number(),
  status: z.enum(IMPORT_STATUSES),
  dryRun: z.boolean(),
  headers: z.array(z.string()),
  mapping: z.record(z.string(), z.string()).nullable(),
  options: z.record(z.string(), z.unknown()).nullable(),
  totalRows: z.number().nullable(),
  processedRows: z.number(),
  createdCount: z.number(),
  updatedCount: z.number(),
  duplicateCount: z.number(),
  errorCount: z.number(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});

export type Import = z.infer<typeof importSchema>;

/** Statuses in which a worker is busy with the import: the screen polls until it changes. */
export function isBusy(status: ImportStatus): boolean {
  return status === 'validating' || status === 'running';
}

function getImport(workspaceId: string, importId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/imports/${importId}`, importSchema, { signal });
}

/** One import; polled every second while it is being checked or run. */
export function useImport(workspaceId: string, importId: string) {
  return useQuery({
    queryKey: importsKeys.detail(workspaceId, importId),
    queryFn: ({ signal }) => getImport(workspaceId, importId, signal),
    refetchInterval: (query) => (query.state.data && isBusy(query.state.data.status) ? 1000 : false),
    refetchIntervalInBackground: false,
  });
}
