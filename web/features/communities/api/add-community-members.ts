import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { communitiesKeys } from './keys.ts';
import type { MembershipRole } from './list-community-members.ts';

const addedSchema = z.object({ added: z.number(), alreadyMembers: z.number() });

function addCommunityMembers(workspaceId: string, communityId: string, memberIds: number[], role: MembershipRole) {
  return apiRequest(`/api/workspaces/${workspaceId}/communities/${communityId}/members`, addedSchema, {
    method: 'POST',
    body: { memberIds, role },
  });
}

export function useAddCommunityMembers(workspaceId: string, communityId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: { memberIds: number[]; role: MembershipRole }) =>
      addCommunityMembers(workspaceId, communityId, input.memberIds, input.role),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: communitiesKeys.all(workspaceId) }),
        queryClient.invalidateQueries({ queryKey: communitiesKeys.memberProfiles(workspaceId) }),
      ]),
  });
}
