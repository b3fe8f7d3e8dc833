import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { petitionSchema } from './get-petition.ts';
import { petitionsKeys } from './keys.ts';

export type PetitionInput = {
  title: string;
  slug?: string;
  summary: string;
  description: string;
  target: string;
  letter: string;
  askComment: boolean;
  showSigners: boolean;
  goal: number | null;
  communityId: number | null;
  consentWording: string | null;
  nextActionId: number | null;
  shareText: string;
};

/** Creates a draft petition (actionId null) or saves an existing one. */
export function useSavePetition(workspaceId: string, actionId: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: PetitionInput) =>
      actionId === null
        ? apiRequest(`/api/workspaces/${workspaceId}/petitions`, petitionSchema, { method: 'POST', body: input })
        : apiRequest(`/api/workspaces/${workspaceId}/petitions/${actionId}`, petitionSchema, { method: 'PATCH', body: input }),
    onSuccess: (petition) => {
      queryClient.setQueryData(petitionsKeys.detail(workspaceId, String(petition.id)), petition);
      return queryClient.invalidateQueries({ queryKey: petitionsKeys.all(workspaceId) });
    },
  });
}
