import { useQuery } from '@tanstack/react-query';
import { z } from 'zod';
import { apiRequest } from '../../../lib/api-client.ts';
import { keywordsKeys } from './keys.ts';

export const KEYWORD_MATCHES = ['exact', 'first_word'] as const;
export const KEYWORD_TARGETS = ['community', 'survey', 'action', 'link', 'reply'] as const;
export type KeywordMatch = (typeof KEYWORD_MATCHES)[number];
export type KeywordTarget = (typeof KEYWORD_TARGETS)[number];

export const keywordSchema = z.object({
  id: z.number(),
  keyword: z.string(),
  match: z.enum(KEYWORD_MATCHES),
  targetType: z.enum(KEYWORD_TARGETS),
  targetId: z.number().nullable(),
  targetName: z.string().nullable(),
  targetArchived: z.boolean(),
  linkUrl: z.string().nullable(),
  reply: z.string().nullable(),
  confirm: z.boolean(),
  uses: z.number(),
  createdAt: z.number(),
  updatedAt: z.number().nullable(),
});

export type Keyword = z.infer<typeof keywordSchema>;

const keywordsSchema = z.object({ keywords: z.array(keywordSchema) });

function listKeywords(workspaceId: string, signal: AbortSignal) {
  return apiRequest(`/api/workspaces/${workspaceId}/keywords`, keywordsSchema, { signal });
}

/** Every keyword of the workspace (communities' join keywords included), alphabetically. */
export function useKeywords(workspaceId: string) {
  return useQuery({
    queryKey: keywordsKeys.list(workspaceId),
    queryFn: ({ signal }) => listKeywords(workspaceId, signal),
    select: (data) => data.keywords,
  });
}
