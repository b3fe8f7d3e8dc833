import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { SegmentRule } from '../../../../common/segments.ts';
import { apiRequest } from '../../../lib/api-client.ts';
import { segmentSchema } from './get-segment.ts';
import { segmentsKeys } from './keys.ts';

export type SegmentInput = { name: string; description: string; rules: SegmentRule };

/** Creates a segment (segmentId null) or saves a new name and rule tree for an existing one. */
export function useSaveSegment(workspaceId: string, segmentId: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: SegmentInput) =>
      segmentId === null
        ? apiRequest(`/api/workspaces/${workspaceId}/segments`, segmentSchema, { method: 'POST', body: input })
        : apiRequest(`/api/workspaces/${workspaceId}/segments/${segmentId}`, segmentSchema, { method: 'PATCH', body: input }),
    onSuccess: (segment) => {
      queryClient.setQueryData(segmentsKeys.detail(workspaceId, String(segment.id)), segment);
      return queryClient.invalidateQueries({ queryKey: segmentsKeys.all(workspaceId) });
    },
  });
}
