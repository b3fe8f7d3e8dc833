import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { membersKeys } from './keys.ts';
import { memberSummarySchema } from './list-members.ts';

const duplicatesSchema = z.object({
  candidates: z.array(z.object({ member: memberSummarySchema, reasons: z.array(z.string()) })),
});

export type DuplicateCandidate = z.infer<typeof duplicatesSchema>['candidates'][number];

function listDuplicates(workspaceId: string, memberId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/members/${memberId}/duplicates`, duplicatesSchema, { signal });
}

/** Other members who look like the same person (same phone, email or name and postal code). */
export function useDuplicates(workspaceId: string, memberId: string, enabled: boolean) {
  return useQuery({
    queryKey: membersKeys.duplicates(workspaceId, memberId),
    queryFn: ({ signal }) => listDuplicates(workspaceId, memberId, signal),
    enabled,
  });
}
