import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { callsKeys } from './keys.ts';

export const callSchema = z.object({
  id: z.number(),
  title: z.string(),
  slug: z.string(),
  summary: z.string(),
  description: z.string(),
  status: z.enum(['draft', 'published', 'closed']),
  targetMode: z.enum(['postal_code', 'fixed']),
  offices: z.array(z.string()),
  script: z.string(),
  fixedTargets: z.array(z.object({ id: z.number(), name: z.string(), title: z.string(), phone: z.string() })),
  consentWording: z.string().nullable(),
  nextActionId: z.number().nullable(),
  goal: z.number().nullable(),
  shareText: z.string(),
  /** Patch-through, when on: the account that calls members and the number they see. */
  patchThrough: z.object({ accountId: z.number(), accountName: z.string(), from: z.string() }).nullable(),
  takenCount: z.number(),
  path: z.string(),
  url: z.string(),
  createdAt: z.number(),
  updatedAt: z.number(),
  publishedAt: z.number().nullable(),
  closedAt: z.number().nullable(),
});
export type Call = z.infer<typeof callSchema>;

/** One call action; its counter refreshes every 10 s while it is published. */
export function useCall(workspaceId: string, callId: string | undefined) {
  return useQuery({
    queryKey: callsKeys.detail(workspaceId, callId ?? 'new'),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/calls/${callId}`, callSchema, { signal }),
    enabled: callId !== undefined,
    refetchInterval: (query) => (query.state.data?.status === 'published' ? 10_000 : false),
  });
}
