import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { membersKeys } from './keys.ts';
import { memberSummarySchema } from './list-members.ts';

const personRefSchema = z.object({ id: z.number(), name: z.string() });

export const memberSchema = memberSummarySchema.extend({
  /** The phone as given when it could not be read as a number; null otherwise. */
  phoneRaw: z.string().nullable(),
  timezoneSource: z.enum(['explicit', 'postal_code', 'area_code', 'workspace']),
  customFields: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  source: z.string().nullable(),
  referredBy: personRefSchema.nullable(),
  communities: z.array(
    z.object({
      id: z.number(),
      name: z.string(),
      role: z.enum(['member', 'leader', 'mentor']),
      status: z.enum(['active', 'pending', 'left']),
      joinedAt: z.string(),
    }),
  ),
  notesCount: z.number(),
  mergedIds: z.array(z.number()),
  /** Whether the number / address is on the suppression list (an opt-out that outlives edits and erasure). */
  suppressed: z.object({ sms: z.boolean(), email: z.boolean() }),
  erasedAt: z.string().nullable(),
});

export type Member = z.infer<typeof memberSchema>;

function getMember(workspaceId: string, memberId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/members/${memberId}`, memberSchema, { signal });
}

export function useMember(workspaceId: string, memberId: string) {
  return useQuery({
    queryKey: membersKeys.detail(workspaceId, memberId),
    queryFn: ({ signal }) => getMember(workspaceId, memberId, signal),
  });
}
