import { joinCommunities } from '../communities/communities.repo.ts';
import { appendConsent } from '../members/consent.repo.ts';
import type { InboundContext, InboundStep } from '../messaging/inbound-context.ts';

// Keyword triggers in the inbound pipeline (DESIGN.md §4: after compliance, before surveys and the inbox).

/** A text that is a community's join keyword joins the member and records SMS consent by keyword. */
export const keywordStep: InboundStep = async (ctx) => {
  const word = ctx.message.body
    .trim()
    .replace(/[^\p{L}\p{N}]/gu, '')
    .toUpperCase();
  if (word.length < 2 || word.length > 20) return null;
  const keyword = await ctx.trx
    .selectFrom('keywords as k')
    .innerJoin('communities as c', 'c.id', 'k.target_id')
    .select(['c.id', 'c.name'])
    .where('k.workspace_id', '=', ctx.workspaceId)
    .where('k.keyword', '=', word)
    .where('k.target_type', '=', 'community')
    .where('c.workspace_id', '=', ctx.workspaceId)
    .where('c.archived_at', 'is', null)
    .executeTakeFirst();
  if (!keyword) return null;
  await joinCommunities(ctx.trx, {
    workspaceId: ctx.workspaceId,
    memberIds: [ctx.memberId],
    communityIds: [keyword.id],
    role: 'member',
    source: 'keyword',
    at: ctx.now,
  });
  if (ctx.member.smsConsent !== 'granted') {
    await appendConsent(ctx.trx, ctx.appSecret, {
      workspaceId: ctx.workspaceId,
      memberId: ctx.memberId,
      channel: 'sms',
      status: 'granted',
      method: 'keyword',
      address: ctx.phone,
      wording: `Texted ${word} to join ${keyword.name}`,
      at: ctx.now,
    });
  }
  const footer = ctx.texts.firstMessageFooter;
  await ctx.reply(`Welcome to ${keyword.name}!${footer ? ` ${footer}` : ''}`);
  return 'joined';
};

/** A YES answering a keyword's double opt-in question. */
export const confirmationStep: InboundStep = async () => null;

/** START / UNSTOP / YES from an opted-out member who had a keyword join waiting for YES: the join goes through too. */
export async function confirmPendingOnOptIn(_ctx: InboundContext): Promise<void> {}

/** An opt-out ends every keyword join waiting for a YES. */
export async function expireConfirmations(_ctx: Pick<InboundContext, 'trx' | 'workspaceId' | 'memberId' | 'now'>): Promise<void> {}
