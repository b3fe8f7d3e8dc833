import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { membersKeys } from './keys.ts';

export type ConsentRecord = { channel: 'sms' | 'email'; status: 'granted' | 'revoked'; wording: string };

function recordConsent(workspaceId: string, memberId: string, input: ConsentRecord) {
  return apiRequest(`/api/workspaces/${workspaceId}/members/${memberId}/consent`, z.unknown(), { method: 'POST', body: input });
}

export function useRecordConsent(workspaceId: string, memberId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ConsentRecord) => recordConsent(workspaceId, memberId, input),
    // The badges in the header, the list and the timeline all change with it.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: membersKeys.all(workspaceId) }),
  });
}
