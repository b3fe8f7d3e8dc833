import type { Selectable } from 'kysely';
import { KEYWORD_PATTERN } from '../../../common/keywords.ts';
import type { KeywordsTable } from '../../db/schema.ts';
import { actionPath } from '../actions/actions.repo.ts';
import { joinCommunities } from '../communities/communities.repo.ts';
import { newLinkCode, shortLinkBase, shortLinkUrl } from '../links/link-rewrite.ts';
import { ensureLinkTargets, insertLinks } from '../links/links.repo.ts';
import { appendConsent } from '../members/consent.repo.ts';
import { withFirstMessageFooter } from '../messaging/compliance-texts.ts';
import type { InboundContext, InboundOutcome, InboundStep } from '../messaging/inbound-context.ts';
import { startSurvey } from '../surveys/survey-engine.ts';
import { defaultReply, renderReply } from './keyword-replies.ts';

// Keyword triggers in the inbound pipeline (DESIGN.md §4: after compliance, before surveys and the inbox).
//
// - A text is a keyword when its first word is one ('first_word') or it is nothing but the word ('exact'), ignoring
//   case, accents and punctuation: "climate!", " Climate. ", "CLIMATE please add me" (first_word only). A keyword
//   later in the sentence is no trigger. Opt-out words never get here: compliance took them.
// - Joining a community is double opt-in (keywords.confirm, the default) for a member without SMS consent: we ask
//   "Reply YES to join …", keep the exact question in keyword_confirmations, and their YES within 24 hours joins them
//   and records consent with those words. A member with consent joins at once; so does anyone when confirm is off
//   (consent then recorded by keyword). An opted-out member is always asked first: their YES is an opt-in that
//   compliance records, then confirmPendingOnOptIn completes the join.
// - An opted-out member gets nothing else from a keyword (no link, no auto-reply, no survey): only the question that
//   lets them come back.
// - The first text a member ever gets from us names the organization and says how to opt out (the footer).

const CONFIRMATION_TTL_MS = 24 * 60 * 60 * 1000;

/** Words of a text, upper-cased without accents or punctuation: " Clímate, please! " → ["CLIMATE", "PLEASE"]. */
export function wordsOf(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((word) => word !== '');
}

const AFFIRMATIVE = new Set([
  'YES',
  'Y',
  'YEP',
  'YEAH',
  'YEA',
  'YA',
  'YUP',
  'YS',
  'YESS',
  'SURE',
  'OK',
  'OKAY',
  'K',
  'SI',
  'CLARO',
  'CONFIRM',
]);
const COURTESY = new Set(['PLEASE', 'PLS', 'PLZ', 'THANKS', 'THANK', 'YOU', 'THX', 'I', 'DO', 'AGREE', 'POR', 'FAVOR', 'GRACIAS']);

/** "yes", "Y", "yes!", "Yes please", "sí", "ok": a short text that starts with a yes and says nothing else. */
export function isAffirmative(text: string): boolean {
  const words = wordsOf(text);
  const [first] = words;
  return (
    first !== undefined && AFFIRMATIVE.has(first) && words.length <= 4 && words.every((word) => AFFIRMATIVE.has(word) || COURTESY.has(word))
  );
}

type KeywordRow = Selectable<KeywordsTable>;

/** The keyword the text triggers, if any. */
async function matchKeyword(ctx: InboundContext): Promise<KeywordRow | null> {
  const words = wordsOf(ctx.message.body);
  const first = words[0];
  if (first === undefined || !KEYWORD_PATTERN.test(first)) return null;
  const keyword = await ctx.trx
    .selectFrom('keywords')
    .selectAll()
    .where('workspace_id', '=', ctx.workspaceId)
    .where('keyword', '=', first)
    .executeTakeFirst();
  if (!keyword) return null;
  if (keyword.match === 'exact' && words.length > 1) return null;
  return keyword;
}

/** Queues an automatic answer, with the identification + opt-out footer when it is the first text the member gets. */
async function answer(ctx: InboundContext, body: string): Promise<number | null> {
  const texted = await ctx.trx
    .selectFrom('messages')
    .select('id')
    .where('workspace_id', '=', ctx.workspaceId)
    .where('member_id', '=', ctx.memberId)
    .where('direction', '=', 'out')
    .limit(1)
    .executeTakeFirst();
  return ctx.reply(texted ? body : withFirstMessageFooter(body, ctx.texts.firstMessageFooter, ctx.workspace.name));
}

/** The keyword's own auto-reply, or the default for its kind, rendered for the member. */
async function keywordReply(
  ctx: InboundContext,
  keyword: KeywordRow,
  community: { name: string; slug: string } | null,
  extra: { link?: string; action?: { title: string } } = {},
): Promise<string | null> {
  const source = keyword.reply ?? defaultReply(keyword.target_type);
  if (source === null) return null;
  const member = await ctx.trx
    .selectFrom('members')
    .select(['first_name', 'last_name', 'email', 'postal_code', 'language', 'custom_fields'])
    .where('workspace_id', '=', ctx.workspaceId)
    .where('id', '=', ctx.memberId)
    .executeTakeFirstOrThrow();
  let custom: Record<string, unknown> = {};
  try {
    custom = JSON.parse(member.custom_fields) as Record<string, unknown>;
  } catch {
    // A member without readable custom fields still gets the reply.
  }
  const text = renderReply(source, {
    member: { ...member, custom },
    community,
    workspace: { name: ctx.workspace.name },
    link: extra.link ?? keyword.link_url,
    ...(extra.action ? { action: extra.action } : {}),
  });
  return text.trim() === '' ? null : text;
}

async function countUse(ctx: InboundContext, keywordId: number) {
  await ctx.trx
    .updateTable('keywords')
    .set((eb) => ({ uses: eb('uses', '+', 1) }))
    .where('workspace_id', '=', ctx.workspaceId)
    .where('id', '=', keywordId)
    .execute();
}

async function communityOf(ctx: Pick<InboundContext, 'trx' | 'workspaceId'>, communityId: number) {
  return ctx.trx
    .selectFrom('communities')
    .select(['id', 'name', 'slug', 'archived_at'])
    .where('workspace_id', '=', ctx.workspaceId)
    .where('id', '=', communityId)
    .executeTakeFirst();
}

/**
 * The double opt-in question: the organization, the program, rates and how to opt out (CTIA's confirmation). An
 * opted-out member must answer with an opt-in word compliance knows (YES, START), so Spanish asks them for START.
 */
function confirmationPrompt(organization: string, community: string, language: string, optedOut: boolean): string {
  if (/^es(?:[-_]|$)/i.test(language)) {
    return `${organization}: Responde ${optedOut ? 'START' : 'SI'} para unirte a ${community}. Pueden aplicarse cargos por mensajes y datos. Responde BAJA para darte de baja.`;
  }
  return `${organization}: Reply YES to join ${community} texts. Msg & data rates may apply. Reply STOP to opt out.`;
}

async function joinByKeyword(ctx: InboundContext, keyword: KeywordRow): Promise<InboundOutcome> {
  const community = await communityOf(ctx, keyword.target_id);
  if (!community || community.archived_at !== null) {
    await answer(ctx, `Sorry, ${community?.name ?? 'this community'} is not taking new members by text right now.`);
    return 'keyword';
  }
  const consent = ctx.member.smsConsent;
  if (consent === 'revoked' || (consent !== 'granted' && keyword.confirm === 1)) {
    const prompt = confirmationPrompt(ctx.workspace.name, community.name, ctx.member.language, consent === 'revoked');
    // A second keyword before the first YES asks again; one YES then answers both.
    await ctx.trx
      .insertInto('keyword_confirmations')
      .values({
        workspace_id: ctx.workspaceId,
        member_id: ctx.memberId,
        keyword_id: keyword.id,
        prompt,
        status: 'pending',
        expires_at: ctx.now + CONFIRMATION_TTL_MS,
        created_at: ctx.now,
        confirmed_at: null,
      })
      .execute();
    // The prompt names the organization and says STOP: it is its own first-message footer.
    await ctx.reply(prompt);
    return 'confirmation_sent';
  }
  await joinCommunities(ctx.trx, {
    workspaceId: ctx.workspaceId,
    memberIds: [ctx.memberId],
    communityIds: [community.id],
    role: 'member',
    source: 'keyword',
    at: ctx.now,
  });
  const welcome = await keywordReply(ctx, keyword, community);
  if (consent !== 'granted') {
    // confirm off: texting the keyword is the consent, recorded with what they were told.
    await appendConsent(ctx.trx, ctx.appSecret, {
      workspaceId: ctx.workspaceId,
      memberId: ctx.memberId,
      channel: 'sms',
      status: 'granted',
      method: 'keyword',
      address: ctx.phone,
      wording: `Texted ${keyword.keyword} to join ${community.name}${welcome ? `: ${welcome}` : ''}`.slice(0, 1000),
      at: ctx.now,
    });
  }
  if (welcome) await answer(ctx, welcome);
  return 'joined';
}

async function surveyByKeyword(ctx: InboundContext, keyword: KeywordRow): Promise<InboundOutcome> {
  const survey = await ctx.trx
    .selectFrom('surveys')
    .select(['id', 'name'])
    .where('workspace_id', '=', ctx.workspaceId)
    .where('id', '=', keyword.target_id)
    .executeTakeFirst();
  if (!survey) {
    await answer(ctx, 'Sorry, this survey is closed.');
    return 'keyword';
  }
  // The auto-reply goes before the survey's first question; withdrawn below when the survey does not start.
  const text = await keywordReply(ctx, keyword, null);
  const replyId = text ? await answer(ctx, text) : null;
  const result = await startSurvey(ctx.trx, {
    workspaceId: ctx.workspaceId,
    surveyId: survey.id,
    memberId: ctx.memberId,
    phone: ctx.phone,
    senderId: ctx.message.senderId,
    now: ctx.now,
  });
  if (result === 'started' || result === 'resumed') return 'keyword';
  if (replyId !== null)
    await ctx.trx.deleteFrom('messages').where('workspace_id', '=', ctx.workspaceId).where('id', '=', replyId).execute();
  await answer(
    ctx,
    result === 'already_completed' ? `You already answered ${survey.name}. Thank you!` : `Sorry, ${survey.name} is closed.`,
  );
  return 'keyword';
}

/**
 * An action's keyword (a petition, an event …) answers with the action's page as a short link of this member's own,
 * made the way broadcasts make them, so the page opens prefilled for them (links.routes.ts adds the member token).
 */
async function actionByKeyword(ctx: InboundContext, keyword: KeywordRow): Promise<InboundOutcome> {
  const action = await ctx.trx
    .selectFrom('actions as a')
    .innerJoin('workspaces as w', 'w.id', 'a.workspace_id')
    .select(['a.id', 'a.type', 'a.slug', 'a.title', 'a.status', 'w.slug as workspace_slug', 'w.short_link_base'])
    .where('a.workspace_id', '=', ctx.workspaceId)
    .where('a.id', '=', keyword.target_id)
    .executeTakeFirst();
  if (action?.status !== 'published') {
    await answer(ctx, `Sorry, ${action?.title ?? 'this action'} is not open right now.`);
    return 'keyword';
  }
  const url = `${ctx.publicUrl}${actionPath(action.workspace_slug, action)}?utm_source=sms&utm_medium=keyword&utm_campaign=${encodeURIComponent(keyword.keyword.toLowerCase())}`;
  const code = newLinkCode();
  const targets = await ensureLinkTargets(ctx.trx, { workspaceId: ctx.workspaceId, broadcastId: null, urls: [url], now: ctx.now });
  const targetId = targets.get(url);
  if (targetId === undefined) throw new Error('the link target of an action keyword was not stored');
  await insertLinks(ctx.trx, [
    { code, workspaceId: ctx.workspaceId, targetId, memberId: ctx.memberId, broadcastId: null, messageId: null, createdAt: ctx.now },
  ]);
  const link = shortLinkUrl(shortLinkBase(action.short_link_base, ctx.publicUrl), code);
  const text = await keywordReply(ctx, keyword, null, { link, action: { title: action.title } });
  await answer(ctx, text ?? link);
  return 'keyword';
}

/** A text that is a keyword does what the keyword says. */
export const keywordStep: InboundStep = async (ctx) => {
  const keyword = await matchKeyword(ctx);
  if (!keyword) return null;
  // "OK" may be a keyword and also the YES a pending join waits for: the join wins.
  if (isAffirmative(ctx.message.body) && (await pendingConfirmations(ctx)).length > 0) return null;
  // An opted-out member hears nothing more than compliance allows: only the question that lets them rejoin.
  if (ctx.member.smsConsent === 'revoked' && keyword.target_type !== 'community') return 'keyword';
  await countUse(ctx, keyword.id);
  switch (keyword.target_type) {
    case 'community':
      return joinByKeyword(ctx, keyword);
    case 'survey':
      return surveyByKeyword(ctx, keyword);
    case 'action':
      return actionByKeyword(ctx, keyword);
    default: {
      const text = await keywordReply(ctx, keyword, null);
      if (text) await answer(ctx, text);
      return 'keyword';
    }
  }
};

async function pendingConfirmations(ctx: Pick<InboundContext, 'trx' | 'workspaceId' | 'memberId' | 'now'>) {
  return ctx.trx
    .selectFrom('keyword_confirmations as kc')
    .innerJoin('keywords as k', 'k.id', 'kc.keyword_id')
    .selectAll('k')
    .select(['kc.id as confirmation_id', 'kc.prompt'])
    .where('kc.workspace_id', '=', ctx.workspaceId)
    .where('k.workspace_id', '=', ctx.workspaceId)
    .where('kc.member_id', '=', ctx.memberId)
    .where('kc.status', '=', 'pending')
    .where('kc.expires_at', '>', ctx.now)
    .orderBy('kc.id')
    .execute();
}

/**
 * Completes every join waiting for this member's YES: consent recorded with the exact question they answered, the
 * membership, then the keyword's welcome. `word` is what they answered with (YES, OK, START …).
 */
async function confirmPending(ctx: InboundContext, word: string): Promise<boolean> {
  const pending = await pendingConfirmations(ctx);
  if (pending.length === 0) return false;
  for (const confirmation of pending) {
    const community = await communityOf(ctx, confirmation.target_id);
    const usable = confirmation.target_type === 'community' && community !== undefined && community.archived_at === null;
    await ctx.trx
      .updateTable('keyword_confirmations')
      .set(usable ? { status: 'confirmed', confirmed_at: ctx.now } : { status: 'expired' })
      .where('workspace_id', '=', ctx.workspaceId)
      .where('id', '=', confirmation.confirmation_id)
      .execute();
    if (!usable) {
      await answer(ctx, `Sorry, ${community?.name ?? 'this community'} is not taking new members by text right now.`);
      continue;
    }
    await appendConsent(ctx.trx, ctx.appSecret, {
      workspaceId: ctx.workspaceId,
      memberId: ctx.memberId,
      channel: 'sms',
      status: 'granted',
      method: 'keyword',
      address: ctx.phone,
      wording: `Texted ${confirmation.keyword}, then ${word} to: ${confirmation.prompt}`,
      at: ctx.now,
    });
    await joinCommunities(ctx.trx, {
      workspaceId: ctx.workspaceId,
      memberIds: [ctx.memberId],
      communityIds: [community.id],
      role: 'member',
      source: 'keyword',
      at: ctx.now,
    });
    const welcome = await keywordReply(ctx, confirmation, community);
    if (welcome) await answer(ctx, welcome);
  }
  return true;
}

/** A YES answering a keyword's double opt-in question (only while one is pending: otherwise YES is an ordinary reply). */
export const confirmationStep: InboundStep = async (ctx) => {
  // An opted-out member comes back through compliance's opt-in (YES, START), which then calls confirmPendingOnOptIn.
  if (ctx.member.smsConsent === 'revoked' || !isAffirmative(ctx.message.body)) return null;
  const word = wordsOf(ctx.message.body)[0] ?? 'YES';
  return (await confirmPending(ctx, word)) ? 'joined' : null;
};

/** START / UNSTOP / YES from an opted-out member who had a keyword join waiting for YES: the join goes through too. */
export async function confirmPendingOnOptIn(ctx: InboundContext): Promise<void> {
  await confirmPending(ctx, wordsOf(ctx.message.body)[0] ?? 'YES');
}

/** An opt-out ends every keyword join waiting for a YES. */
export async function expireConfirmations(ctx: Pick<InboundContext, 'trx' | 'workspaceId' | 'memberId' | 'now'>): Promise<void> {
  await ctx.trx
    .updateTable('keyword_confirmations')
    .set({ status: 'expired' })
    .where('workspace_id', '=', ctx.workspaceId)
    .where('member_id', '=', ctx.memberId)
    .where('status', '=', 'pending')
    .execute();
}
