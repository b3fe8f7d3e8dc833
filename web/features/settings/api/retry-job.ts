import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { settingsKeys } from './keys.ts';

function retryJob(workspaceId: string, jobId: number) {
  return apiRequest(`/api/workspaces/${workspaceId}/jobs/${jobId}/retry`, null, { method: 'POST' });
}

export function useRetryJob(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (jobId: number) => retryJob(workspaceId, jobId),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: settingsKeys.jobs(workspaceId) }),
        queryClient.invalidateQueries({ queryKey: settingsKeys.audit(workspaceId) }),
      ]),
  });
}
