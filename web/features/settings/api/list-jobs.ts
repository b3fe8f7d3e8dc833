import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { settingsKeys } from './keys.ts';

export const JOB_STATES = ['dead', 'failed', 'queued', 'running', 'done'] as const;
export type JobState = (typeof JOB_STATES)[number];

const jobSchema = z.object({
  id: z.number(),
  type: z.string(),
  state: z.string(),
  attempts: z.number(),
  maxAttempts: z.number(),
  lastError: z.string().nullable(),
  runAt: z.string().nullable(),
  updatedAt: z.string().nullable(),
});

const jobsSchema = z.object({
  jobs: z.array(jobSchema),
  counts: z.object({ queued: z.number(), running: z.number(), done: z.number(), dead: z.number() }),
});

export type Job = z.infer<typeof jobSchema>;
export type JobCounts = z.infer<typeof jobsSchema>['counts'];

function listJobs(workspaceId: string, state: JobState, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/jobs`, jobsSchema, { signal, query: { state } });
}

export function useJobs(workspaceId: string, state: JobState) {
  return useQuery({
    queryKey: settingsKeys.jobs(workspaceId, state),
    queryFn: ({ signal }) => listJobs(workspaceId, state, signal),
    refetchInterval: 15_000,
  });
}
