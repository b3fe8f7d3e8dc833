import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { memberSchema } from './get-member.ts';
import { membersKeys } from './keys.ts';

const createdMemberSchema = memberSchema.extend({
  warnings: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

export type CreatedMember = z.infer<typeof createdMemberSchema>;

export type NewMember = {
  firstName?: string;
  lastName?: string;
  phone?: string;
  email?: string;
  postalCode?: string;
  language?: string;
  tags?: string[];
  source?: string;
  consent?: { sms?: { wording: string }; email?: { wording: string } };
};

function createMember(workspaceId: string, input: NewMember) {
  return apiRequest(`/api/workspaces/${workspaceId}/members`, createdMemberSchema, { method: 'POST', body: input });
}

export function useCreateMember(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: NewMember) => createMember(workspaceId, input),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: membersKeys.all(workspaceId) }),
  });
}
