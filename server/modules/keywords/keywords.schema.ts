import { z } from 'zod';
import { keywordProblem, normalizeKeyword } from '../../../common/keywords.ts';
import { idParam, workspaceParams } from '../accounts/accounts.schema.ts';

// Request and response shapes of the keywords API. Rules that need the database (the target exists in the
// workspace, the word is free, the auto-reply compiles) are checked by the service and answered on the same paths.

export const KEYWORD_MATCHES = ['exact', 'first_word'] as const;
export const KEYWORD_TARGETS = ['community', 'survey', 'link', 'reply', 'action'] as const;
export const MAX_REPLY_CHARS = 640;

export const keywordParams = workspaceParams.extend({ keywordId: idParam });

const word = z
  .string({ error: 'is required' })
  .superRefine((value, ctx) => {
    const problem = keywordProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  })
  .transform(normalizeKeyword);

const match = z.enum(KEYWORD_MATCHES, { error: 'must be exact (the whole text) or first_word (the text starts with it)' });
const targetType = z.enum(KEYWORD_TARGETS, { error: `must be one of ${KEYWORD_TARGETS.join(', ')}` });
const targetId = z.number({ error: 'must be the id of a community, survey or action' }).int().positive();

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

const linkUrl = z
  .string()
  .trim()
  .max(2_000, 'must be at most 2,000 characters')
  .refine(isHttpUrl, 'must be an http(s) address, e.g. https://example.org/donate');

/** Empty means "the default reply for this kind of keyword". */
const reply = z
  .string()
  .trim()
  .max(MAX_REPLY_CHARS, `must be at most ${MAX_REPLY_CHARS} characters`)
  .transform((value) => (value === '' ? null : value));

const fields = {
  match: match.optional(),
  targetId: targetId.nullable().optional(),
  linkUrl: linkUrl.nullable().optional(),
  reply: reply.nullable().optional(),
  confirm: z.boolean({ error: 'must be true or false' }).optional(),
};

export const keywordInput = z.object({ keyword: word, targetType, ...fields });
export type KeywordInput = z.infer<typeof keywordInput>;

export const keywordPatch = z.object({ keyword: word.optional(), targetType: targetType.optional(), ...fields });
export type KeywordPatch = z.infer<typeof keywordPatch>;

export const keywordView = z.object({
  id: z.number(),
  keyword: z.string(),
  match,
  targetType,
  targetId: z.number().nullable().describe('The community, survey or action; null for link and reply keywords'),
  targetName: z.string().nullable().describe('The community, survey or action name, the link; null for reply keywords'),
  targetArchived: z.boolean().describe('The community is archived, the survey or action closed: texting the word answers politely'),
  linkUrl: z.string().nullable(),
  reply: z.string().nullable().describe('The auto-reply (Liquid); null: the default for the kind of keyword'),
  confirm: z.boolean().describe('Community joins: members without SMS consent confirm with YES first'),
  uses: z.number(),
  createdAt: z.number(),
  updatedAt: z.number().nullable(),
});
export type KeywordView = z.infer<typeof keywordView>;
