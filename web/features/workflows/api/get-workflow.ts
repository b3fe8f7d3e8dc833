import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import type { WorkflowDefinition } from '../../../../common/workflows.ts';
import { apiRequest } from '../../../lib/api-client.ts';
import { workflowsKeys } from './keys.ts';
import { workflowSummarySchema } from './list-workflows.ts';

// A stored definition was valid when it was saved; it is not re-checked here, so a screen never breaks on a rule the
// server added since (the builder checks the draft as it is edited).
const definition = z.custom<WorkflowDefinition>((value) => typeof value === 'object' && value !== null && 'steps' in value);

export const workflowSchema = workflowSummarySchema.extend({
  draft: definition,
  published: definition.nullable(),
  unpublishedChanges: z.boolean(),
  versions: z.array(z.object({ id: z.number(), number: z.number(), createdAt: z.number() })),
  hasHookToken: z.boolean(),
});
export type Workflow = z.infer<typeof workflowSchema>;

/** One workflow: its draft, the published version and the list of versions. */
export function useWorkflow(workspaceId: string, workflowId: string, options: { enabled?: boolean; live?: boolean } = {}) {
  return useQuery({
    queryKey: workflowsKeys.detail(workspaceId, workflowId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/workflows/${workflowId}`, workflowSchema, { signal }),
    enabled: options.enabled ?? true,
    refetchInterval: options.live ? 5_000 : false,
  });
}
