import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { workflowsKeys } from './keys.ts';
import { workflowCountsSchema } from './list-workflows.ts';

const proportion = z.object({ n: z.number(), reached: z.number(), rate: z.number().nullable() });

const reportSchema = z.object({
  version: z.number().nullable(),
  steps: z.array(
    z.object({
      stepId: z.string(),
      kind: z.string(),
      label: z.string(),
      entered: z.number(),
      completed: z.number(),
      here: z.number(),
      exits: z.array(z.object({ key: z.string(), label: z.string(), next: z.string().nullable(), count: z.number() })),
      skipped: z.record(z.string(), z.number()),
    }),
  ),
  runs: workflowCountsSchema,
  goal: z
    .object({
      treated: proportion,
      heldOut: proportion,
      difference: z.number().nullable(),
      interval: z.object({ low: z.number(), high: z.number(), level: z.number(), method: z.string() }).nullable(),
    })
    .nullable(),
});
export type WorkflowReport = z.infer<typeof reportSchema>;
export type ReportStep = WorkflowReport['steps'][number];
export type GoalComparison = NonNullable<WorkflowReport['goal']>;

/** Per-step counts of one version (the published one when null), run totals and the goal comparison. */
export function useWorkflowReport(workspaceId: string, workflowId: string, version: number | null, live: boolean) {
  return useQuery({
    queryKey: workflowsKeys.report(workspaceId, workflowId, version),
    queryFn: ({ signal }) =>
      apiRequest(`/api/workspaces/${workspaceId}/workflows/${workflowId}/report`, reportSchema, {
        signal,
        query: { version: version ?? undefined },
      }),
    placeholderData: keepPreviousData,
    refetchInterval: live ? 5_000 : false,
  });
}
