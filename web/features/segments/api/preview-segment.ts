import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { segmentsKeys } from './keys.ts';

/** A member as segments list them: the phone number masked to its last 4 digits. */
export const segmentMemberSchema = z.object({
  id: z.number(),
  name: z.string(),
  phoneLast4: z.string().nullable(),
  communityCount: z.number(),
  engagementScore: z.number(),
  lastActiveAt: z.string().nullable(),
});

const previewSchema = z.object({ count: z.number(), sample: z.array(segmentMemberSchema), summary: z.string() });

export type SegmentMember = z.infer<typeof segmentMemberSchema>;
export type SegmentPreview = z.infer<typeof previewSchema>;

/**
 * How many members a rule tree matches and a few of them. `rules` is the tree as JSON (null: nothing to count yet);
 * the last answer stays on screen while the next one loads, so the count does not flicker while the organizer edits.
 */
export function useSegmentPreview(workspaceId: string, rules: string | null) {
  return useQuery({
    queryKey: segmentsKeys.preview(workspaceId, rules ?? ''),
    queryFn: ({ signal }) =>
      apiRequest(`/api/workspaces/${workspaceId}/segments/preview`, previewSchema, {
        method: 'POST',
        body: { rules: JSON.parse(rules ?? 'null') },
        signal,
      }),
    enabled: rules !== null,
    placeholderData: keepPreviousData,
    staleTime: 10_000,
  });
}
