import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { sharesKeys } from './keys.ts';
import { shareSummarySchema } from './list-shares.ts';

export const NETWORKS = ['x', 'facebook', 'whatsapp', 'bluesky', 'mastodon', 'sms', 'email'] as const;
export type Network = (typeof NETWORKS)[number];
export const NETWORK_LABELS: Record<Network, string> = {
  x: 'X',
  facebook: 'Facebook',
  whatsapp: 'WhatsApp',
  bluesky: 'Bluesky',
  mastodon: 'Mastodon',
  sms: 'Text message',
  email: 'Email',
};

const postSchema = z.object({ text: z.string(), hashtags: z.array(z.string()), subject: z.string().optional() });
export type Post = z.infer<typeof postSchema>;

export const shareSchema = shareSummarySchema.extend({
  summary: z.string(),
  description: z.string(),
  communityId: z.number().nullable(),
  targetActionId: z.number().nullable(),
  targetTitle: z.string().nullable(),
  targetUrl: z.string(),
  posts: z.partialRecord(z.enum(NETWORKS), postSchema),
  mastodonInstance: z.string(),
  consentWording: z.string().nullable(),
  updatedAt: z.number(),
  publishedAt: z.number().nullable(),
  closedAt: z.number().nullable(),
});
export type Share = z.infer<typeof shareSchema>;

export function useShare(workspaceId: string, shareId: string, enabled = true) {
  return useQuery({
    queryKey: sharesKeys.detail(workspaceId, shareId),
    queryFn: ({ signal }) => apiRequest(`/api/workspaces/${workspaceId}/shares/${shareId}`, shareSchema, { signal }),
    enabled,
  });
}
