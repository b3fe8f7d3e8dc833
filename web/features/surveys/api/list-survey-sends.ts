import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { surveysKeys } from './keys.ts';

export const SEND_STATUSES = ['queued', 'running', 'done', 'failed', 'cancelled'] as const;
export type SendStatus = (typeof SEND_STATUSES)[number];

export const surveySendSchema = z.object({
  id: z.number(),
  surveyId: z.number(),
  status: z.enum(SEND_STATUSES),
  audience: z.object({
    memberCount: z.number(),
    communities: z.array(z.object({ id: z.number(), name: z.string() })),
    tags: z.array(z.string()),
  }),
  total: z.number(),
  processed: z.number(),
  started: z.number(),
  skipped: z.object({
    noConsent: z.number(),
    alreadyStarted: z.number(),
    alreadyCompleted: z.number(),
    notFound: z.number(),
    frequencyCap: z.number(),
  }),
  error: z.string().nullable(),
  createdBy: z.object({ id: z.number(), name: z.string() }).nullable(),
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
});
export type SurveySend = z.infer<typeof surveySendSchema>;

/** A send the worker is still busy with: the dialog polls until it ends. */
export const isActiveSend = (send: Pick<SurveySend, 'status'>) => send.status === 'queued' || send.status === 'running';

const listSchema = z.object({ sends: z.array(surveySendSchema), nextCursor: z.number().nullable() });

function listSurveySends(workspaceId: string, surveyId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/surveys/${surveyId}/sends`, listSchema, { signal, query: { limit: 20 } });
}

/** The survey's latest sends, newest first; polled every second while one of them is queued or running. */
export function useSurveySends(workspaceId: string, surveyId: string) {
  return useQuery({
    queryKey: surveysKeys.sends(workspaceId, surveyId),
    queryFn: ({ signal }) => listSurveySends(workspaceId, surveyId, signal),
    refetchInterval: (query) => (query.state.data?.sends.some(isActiveSend) ? 1_000 : false),
  });
}
