import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { petitionSchema } from './get-petition.ts';
import { petitionsKeys } from './keys.ts';

/** Publishes (or reopens) a petition, or closes it; deletes a draft. */
export function useSetPetitionStatus(workspaceId: string, actionId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (action: 'publish' | 'close' | 'delete') => {
      const path = `/api/workspaces/${workspaceId}/petitions/${actionId}`;
      if (action === 'delete') {
        await apiRequest(path, null, { method: 'DELETE' });
        return null;
      }
      return apiRequest(`${path}/${action}`, petitionSchema, { method: 'POST' });
    },
    onSuccess: (petition) => {
      if (petition) queryClient.setQueryData(petitionsKeys.detail(workspaceId, actionId), petition);
      return queryClient.invalidateQueries({ queryKey: petitionsKeys.all(workspaceId) });
    },
  });
}
