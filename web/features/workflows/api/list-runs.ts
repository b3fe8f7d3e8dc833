import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { RUN_STATUSES, type RunStatus } from '../../../../common/workflows.ts';
import { apiRequest } from '../../../lib/api-client.ts';
import { workflowsKeys } from './keys.ts';

const runSchema = z.object({
  id: z.number(),
  memberId: z.number(),
  memberName: z.string(),
  version: z.number(),
  status: z.enum(RUN_STATUSES),
  currentStepId: z.string().nullable(),
  wakeAt: z.number().nullable(),
  waitingReplySince: z.number().nullable(),
  enrolledAt: z.number(),
  finishedAt: z.number().nullable(),
  exitReason: z.string().nullable(),
  goalReachedAt: z.number().nullable(),
  heldOut: z.boolean(),
  lastError: z.string().nullable(),
});
export type Run = z.infer<typeof runSchema>;

const pageSchema = z.object({ runs: z.array(runSchema), nextBefore: z.number().nullable() });

export const RUNS_PAGE_SIZE = 50;

/** One page of runs, newest first (`before`: the `nextBefore` of the page before), refreshed every few seconds when live. */
export function useRuns(
  workspaceId: string,
  workflowId: string,
  filter: { status: RunStatus | null; before: number | null; live: boolean },
) {
  return useQuery({
    queryKey: workflowsKeys.runs(workspaceId, workflowId, filter.status ?? 'any', filter.before),
    queryFn: ({ signal }) =>
      apiRequest(`/api/workspaces/${workspaceId}/workflows/${workflowId}/runs`, pageSchema, {
        signal,
        query: { status: filter.status ?? undefined, before: filter.before ?? undefined, limit: RUNS_PAGE_SIZE },
      }),
    placeholderData: keepPreviousData,
    refetchInterval: filter.live ? 5_000 : false,
  });
}
