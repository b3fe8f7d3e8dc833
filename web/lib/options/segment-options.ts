import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../api-client.ts';
import { type Option, optionsKeys } from './keys.ts';

const segmentsSchema = z.object({ segments: z.array(z.object({ id: z.number(), name: z.string() })) });

/** Every saved segment, as options by name. */
export function useSegmentOptions(workspaceId: string) {
  return useQuery({
    queryKey: optionsKeys.segments(workspaceId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/segments`, segmentsSchema, { signal }),
    select: (data): Option[] => data.segments.map((s) => ({ value: String(s.id), label: s.name })),
  });
}
