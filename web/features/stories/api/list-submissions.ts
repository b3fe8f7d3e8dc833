import { useInfiniteQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { storiesKeys } from './keys.ts';

export const SUBMISSION_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type SubmissionStatus = (typeof SUBMISSION_STATUSES)[number];

export const submissionSchema = z.object({
  id: z.number(),
  memberId: z.number(),
  memberName: z.string(),
  phone: z.string().nullable(),
  email: z.string().nullable(),
  story: z.string(),
  display: z.enum(['name', 'anonymous']),
  displayName: z.string().nullable(),
  publishConsent: z.string(),
  photo: z.object({ type: z.string(), size: z.number(), url: z.string() }).nullable(),
  status: z.enum(SUBMISSION_STATUSES),
  moderatedBy: z.string().nullable(),
  moderatedAt: z.number().nullable(),
  reason: z.string().nullable(),
  source: z.string().nullable(),
  createdAt: z.number(),
});
export type Submission = z.infer<typeof submissionSchema>;

const pageSchema = z.object({ submissions: z.array(submissionSchema), next: z.number().nullable() });
const PAGE_SIZE = 20;

/** The moderation queue in one status, newest first, 20 at a time; refreshed every 10 s. */
export function useSubmissions(workspaceId: string, actionId: string, status: SubmissionStatus) {
  return useInfiniteQuery({
    queryKey: storiesKeys.submissions(workspaceId, actionId, status),
    queryFn: ({ pageParam, signal }) =>
      apiRequest(`/api/workspaces/${workspaceId}/stories/${actionId}/submissions`, pageSchema, {
        signal,
        query: { status, limit: PAGE_SIZE, before: pageParam },
      }),
    initialPageParam: undefined as number | undefined,
    getNextPageParam: (page) => page.next ?? undefined,
    refetchInterval: 10_000,
  });
}
