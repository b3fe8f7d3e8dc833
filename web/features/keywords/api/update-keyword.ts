import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import type { KeywordInput } from './create-keyword.ts';
import { keywordsKeys } from './keys.ts';
import { keywordSchema } from './list-keywords.ts';

export type KeywordPatch = Partial<KeywordInput>;

function updateKeyword(workspaceId: string, keywordId: number, patch: KeywordPatch) {
  return apiRequest(`/api/workspaces/${workspaceId}/keywords/${keywordId}`, keywordSchema, { method: 'PATCH', body: patch });
}

export function useUpdateKeyword(workspaceId: string, keywordId: number) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (patch: KeywordPatch) => updateKeyword(workspaceId, keywordId, patch),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: keywordsKeys.all(workspaceId) }),
        queryClient.invalidateQueries({ queryKey: keywordsKeys.communityScreens(workspaceId) }),
      ]),
  });
}
