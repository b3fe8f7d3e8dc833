import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { segmentsKeys } from './keys.ts';
import { segmentMemberSchema } from './preview-segment.ts';

const pageSchema = z.object({ members: z.array(segmentMemberSchema), nextCursor: z.string().nullable() });

export const MEMBERS_PAGE_SIZE = 50;

/** One page of the members a saved segment matches now (`cursor` is the `nextCursor` of the page before). */
export function useSegmentMembers(workspaceId: string, segmentId: string, cursor: string | undefined) {
  return useQuery({
    queryKey: segmentsKeys.members(workspaceId, segmentId, cursor),
    queryFn: ({ signal }) =>
      apiRequest(`/api/workspaces/${workspaceId}/segments/${segmentId}/members`, pageSchema, {
        signal,
        query: { cursor, limit: MEMBERS_PAGE_SIZE },
      }),
    placeholderData: keepPreviousData,
  });
}
