import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { memberSchema } from './get-member.ts';
import { membersKeys } from './keys.ts';

export type MemberPatch = {
  firstName?: string | null;
  lastName?: string | null;
  phone?: string | null;
  email?: string | null;
  postalCode?: string | null;
  language?: string;
  timezone?: string | null;
  /** Keys given are set; a key set to null is removed; other keys stay. */
  customFields?: Record<string, string | null>;
};

const updatedSchema = memberSchema.extend({ warnings: z.array(z.object({ field: z.string(), message: z.string() })).optional() });

function updateMember(workspaceId: string, memberId: string, patch: MemberPatch) {
  return apiRequest(`/api/workspaces/${workspaceId}/members/${memberId}`, updatedSchema, { method: 'PATCH', body: patch });
}

export function useUpdateMember(workspaceId: string, memberId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: MemberPatch) => updateMember(workspaceId, memberId, patch),
    onSuccess: ({ warnings: _warnings, ...member }) => {
      queryClient.setQueryData(membersKeys.detail(workspaceId, memberId), member);
      return queryClient.invalidateQueries({ queryKey: membersKeys.all(workspaceId) });
    },
  });
}
