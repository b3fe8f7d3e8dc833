import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { communitiesKeys } from './keys.ts';

export const VISIBILITIES = ['public', 'request', 'invite'] as const;
export type Visibility = (typeof VISIBILITIES)[number];

export const communitySchema = z.object({
  id: z.number(),
  name: z.string(),
  slug: z.string(),
  parentId: z.number().nullable(),
  description: z.string(),
  guidelines: z.string(),
  visibility: z.enum(VISIBILITIES),
  keywords: z.array(z.string()),
  consentWording: z.string().nullable(),
  memberCount: z.number(),
  totalMemberCount: z.number(),
  leaders: z.array(z.object({ memberId: z.number(), name: z.string() })),
  archived: z.boolean(),
  createdAt: z.string(),
  joinUrl: z.string(),
});

const communitiesSchema = z.object({ communities: z.array(communitySchema) });

export type Community = z.infer<typeof communitySchema>;

function listCommunities(workspaceId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/communities`, communitiesSchema, { signal, query: { includeArchived: 'true' } });
}

/** Every community of the workspace, archived ones too, flat (the screens build the tree from `parentId`). */
export function useCommunities(workspaceId: string) {
  return useQuery({
    queryKey: communitiesKeys.list(workspaceId),
    queryFn: ({ signal }) => listCommunities(workspaceId, signal),
  });
}
