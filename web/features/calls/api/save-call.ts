import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { callSchema } from './get-call.ts';
import { callsKeys } from './keys.ts';

export type CallForm = {
  title: string;
  summary: string;
  description: string;
  targetMode: 'postal_code' | 'fixed';
  offices: string[];
  script: string;
  fixedTargets: { name: string; title: string; phone: string }[];
  nextActionId: number | null;
  goal: number | null;
  /** "Connect callers by phone": the Twilio account that calls members and the number they see; null: off. */
  patchThrough: { accountId: number; from: string } | null;
};

/** Creates a draft call (no id yet) or saves the changes of an existing one. */
export function useSaveCall(workspaceId: string, callId: string | undefined) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CallForm) =>
      callId === undefined
        ? apiRequest(`/api/workspaces/${workspaceId}/calls`, callSchema, { method: 'POST', body })
        : apiRequest(`/api/workspaces/${workspaceId}/calls/${callId}`, callSchema, { method: 'PATCH', body }),
    onSuccess: (call) => {
      queryClient.setQueryData(callsKeys.detail(workspaceId, String(call.id)), call);
      return queryClient.invalidateQueries({ queryKey: callsKeys.all(workspaceId) });
    },
  });
}
