import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { petitionsKeys } from './keys.ts';
import { petitionSummarySchema } from './list-petitions.ts';

export const petitionSchema = petitionSummarySchema.extend({
  summary: z.string(),
  description: z.string(),
  target: z.string(),
  letter: z.string(),
  askComment: z.boolean(),
  showSigners: z.boolean(),
  communityId: z.number().nullable(),
  consentWording: z.string().nullable(),
  defaultConsentWording: z.string(),
  nextActionId: z.number().nullable(),
  shareText: z.string(),
  updatedAt: z.number(),
  closedAt: z.number().nullable(),
});
export type Petition = z.infer<typeof petitionSchema>;

export function usePetition(workspaceId: string, actionId: string, enabled = true) {
  return useQuery({
    queryKey: petitionsKeys.detail(workspaceId, actionId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/petitions/${actionId}`, petitionSchema, { signal }),
    enabled,
  });
}
