import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { callsKeys } from './keys.ts';

const reportSchema = z.object({
  imported: z.number(),
  rows: z.number(),
  errors: z.array(z.object({ line: z.number(), message: z.string() })),
  mode: z.enum(['replace', 'append']),
  dryRun: z.boolean(),
});
export type ImportReport = z.infer<typeof reportSchema>;
export type TargetKind = 'officials' | 'districts';

/** Checks (dryRun) or imports a CSV file of officials or of postal code → district. */
export function useImportTargets(workspaceId: string, kind: TargetKind) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: { csv: string; mode: 'replace' | 'append'; dryRun: boolean }) =>
      apiRequest(`/api/workspaces/${workspaceId}/call-targets/${kind}/import`, reportSchema, { method: 'POST', body }),
    onSuccess: (report) => (report.dryRun ? undefined : queryClient.invalidateQueries({ queryKey: callsKeys.all(workspaceId) })),
  });
}

/** Removes one official or one postal code mapping. */
export function useDeleteTarget(workspaceId: string, kind: TargetKind) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => apiRequest(`/api/workspaces/${workspaceId}/call-targets/${kind}/${id}`, null, { method: 'DELETE' }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: callsKeys.all(workspaceId) }),
  });
}
