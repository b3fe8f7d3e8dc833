import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { storiesKeys } from './keys.ts';
import { storySummarySchema } from './list-stories.ts';

export const storySchema = storySummarySchema.extend({
  summary: z.string(),
  description: z.string(),
  prompt: z.string(),
  askPhoto: z.boolean(),
  publishWording: z.string().nullable(),
  defaultPublishWording: z.string(),
  communityId: z.number().nullable(),
  consentWording: z.string().nullable(),
  defaultConsentWording: z.string(),
  shareText: z.string(),
  spotlightUrl: z.string(),
  updatedAt: z.number(),
  closedAt: z.number().nullable(),
});
export type Story = z.infer<typeof storySchema>;

export function useStory(workspaceId: string, actionId: string, enabled = true) {
  return useQuery({
    queryKey: storiesKeys.detail(workspaceId, actionId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/stories/${actionId}`, storySchema, { signal }),
    enabled,
    // The queue counts move as members send stories.
    refetchInterval: 10_000,
  });
}
