import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { membersKeys } from './keys.ts';

const noteSchema = z.object({
  id: z.number(),
  body: z.string(),
  author: z.object({ id: z.number(), name: z.string() }).nullable(),
  createdAt: z.string(),
});

const notesSchema = z.object({ notes: z.array(noteSchema) });

function listNotes(workspaceId: string, memberId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/members/${memberId}/notes`, notesSchema, { signal });
}

export function useNotes(workspaceId: string, memberId: string) {
  return useQuery({
    queryKey: membersKeys.notes(workspaceId, memberId),
    queryFn: ({ signal }) => listNotes(workspaceId, memberId, signal),
  });
}
