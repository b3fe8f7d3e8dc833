import { useInfiniteQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { settingsKeys } from './keys.ts';

const auditEntrySchema = z.object({
  id: z.number(),
  action: z.string(),
  actor: z.object({
    type: z.enum(['user', 'api_key', 'system']),
    id: z.number().nullable(),
    name: z.string().nullable(),
  }),
  targetType: z.string().nullable(),
  targetId: z.string().nullable(),
  ip: z.string().nullable(),
  data: z.record(z.string(), z.unknown()).nullable(),
  createdAt: z.string(),
});

const auditPageSchema = z.object({ entries: z.array(auditEntrySchema), nextBefore: z.number().nullable() });

export type AuditEntry = z.infer<typeof auditEntrySchema>;

const PAGE_SIZE = 50;

function listAudit(workspaceId: string, before: number | undefined, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/audit`, auditPageSchema, {
    signal,
    query: { before, limit: PAGE_SIZE },
  });
}

/** The audit log, newest first, one page of 50 at a time (`fetchNextPage` for older entries). */
export function useAuditLog(workspaceId: string) {
  return useInfiniteQuery({
    queryKey: settingsKeys.audit(workspaceId),
    queryFn: ({ pageParam, signal }) => listAudit(workspaceId, pageParam, signal),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (page) => page.nextBefore ?? undefined,
  });
}
