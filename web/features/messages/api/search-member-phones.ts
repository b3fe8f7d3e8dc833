import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { messagesKeys } from './keys.ts';

const membersSchema = z.object({
  members: z.array(
    z.object({ id: z.number(), firstName: z.string().nullable(), lastName: z.string().nullable(), phone: z.string().nullable() }),
  ),
});

export type MemberPhone = { memberId: number; name: string; phone: string };

function searchMembers(workspaceId: string, q: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/members`, membersSchema, { signal, query: { q: q || undefined, limit: 20 } });
}

/** Members with a phone number, matching `q`: whom the simulator can text in as. */
export function useMemberPhones(workspaceId: string, q: string) {
  return useQuery({
    queryKey: messagesKeys.memberPhones(workspaceId, q),
    queryFn: ({ signal }) => searchMembers(workspaceId, q, signal),
    placeholderData: keepPreviousData,
    select: (data): MemberPhone[] =>
      data.members.flatMap((member) =>
        member.phone
          ? [
              {
                memberId: member.id,
                phone: member.phone,
                name: [member.firstName, member.lastName].filter(Boolean).join(' ') || member.phone,
              },
            ]
          : [],
      ),
  });
}
