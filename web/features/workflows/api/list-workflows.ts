import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { TRIGGER_KINDS, WORKFLOW_STATUSES } from '../../../../common/workflows.ts';
import { apiRequest } from '../../../lib/api-client.ts';
import { workflowsKeys } from './keys.ts';

export const workflowCountsSchema = z.object({
  enrolled: z.number(),
  heldOut: z.number(),
  inProgress: z.number(),
  completed: z.number(),
  exited: z.number(),
  goalReached: z.number(),
  /** Runs that ended early, by reason (opted_out, workflow_archived, failed …). */
  exitReasons: z.record(z.string(), z.number()).default({}),
});

export const workflowSummarySchema = z.object({
  id: z.number(),
  name: z.string(),
  description: z.string(),
  status: z.enum(WORKFLOW_STATUSES),
  triggerKind: z.enum(TRIGGER_KINDS).nullable(),
  currentVersion: z.number().nullable(),
  counts: workflowCountsSchema,
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type WorkflowSummary = z.infer<typeof workflowSummarySchema>;

const listSchema = z.object({ workflows: z.array(workflowSummarySchema) });

/** The workspace's workflows (archived ones only when asked for), newest first, with run counts. */
export function useWorkflows(workspaceId: string, archived: boolean) {
  return useQuery({
    queryKey: [...workflowsKeys.list(workspaceId), archived ? 'archived' : 'live'],
    queryFn: ({ signal }) =>
      apiRequest(`/api/workspaces/${workspaceId}/workflows`, listSchema, { signal, query: { status: archived ? 'archived' : undefined } }),
  });
}
