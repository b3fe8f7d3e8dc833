import { useMutation, useQueryClient } from '@tanstack/react-query';
import { apiRequest } from '../../../lib/api-client.ts';
import { keywordsKeys } from './keys.ts';
import { type KeywordMatch, type KeywordTarget, keywordSchema } from './list-keywords.ts';

export type KeywordInput = {
  keyword: string;
  match: KeywordMatch;
  targetType: KeywordTarget;
  targetId: number | null;
  linkUrl: string | null;
  reply: string | null;
  confirm: boolean;
};

function createKeyword(workspaceId: string, input: KeywordInput) {
  return apiRequest(`/api/workspaces/${workspaceId}/keywords`, keywordSchema, { method: 'POST', body: input });
}

export function useCreateKeyword(workspaceId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (input: KeywordInput) => createKeyword(workspaceId, input),
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: keywordsKeys.all(workspaceId) }),
        queryClient.invalidateQueries({ queryKey: keywordsKeys.communityScreens(workspaceId) }),
      ]),
  });
}
