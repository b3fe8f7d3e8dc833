import { useMutation, useQueryClient } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { sessionQueryKey } from '../../../lib/session.ts';

const createdWorkspaceSchema = z.object({ id: z.number(), name: z.string(), slug: z.string() });

type CreateWorkspaceInput = { name: string; timezone?: string; defaultCountry?: string };

function createWorkspace(input: CreateWorkspaceInput) {
  return apiRequest('/api/workspaces', createdWorkspaceSchema, { method: 'POST', body: input });
}

export function useCreateWorkspace() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: createWorkspace,
    // The session carries the person's workspaces and roles: refresh it before navigating to the new one.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: sessionQueryKey }),
  });
}
