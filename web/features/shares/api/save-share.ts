import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { type Network, type Post, shareSchema } from './get-share.ts';
import { sharesKeys } from './keys.ts';

export type ShareInput = {
  title: string;
  slug?: string;
  summary: string;
  description: string;
  communityId: number | null;
  targetActionId: number | null;
  targetUrl: string;
  posts: Partial<Record<Network, Post>>;
  mastodonInstance: string;
  consentWording: string | null;
};

/** Creates a draft share action (shareId null) or saves an existing one. */
export function useSaveShare(workspaceId: string, shareId: string | null) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: ShareInput) =>
      shareId === null
        ? apiRequest(`/api/workspaces/${workspaceId}/shares`, shareSchema, { method: 'POST', body: input })
        : apiRequest(`/api/workspaces/${workspaceId}/shares/${shareId}`, shareSchema, { method: 'PATCH', body: input }),
    onSuccess: (share) => {
      queryClient.setQueryData(sharesKeys.detail(workspaceId, String(share.id)), share);
      return queryClient.invalidateQueries({ queryKey: sharesKeys.all(workspaceId) });
    },
  });
}
