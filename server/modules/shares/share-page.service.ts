import { createHmac } from 'node:crypto';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import type { Clock } from '../../lib/clock.ts';
import { normalizePhone } from '../../lib/phone.ts';
import { sha256 } from '../../lib/tokens.ts';
import { type ActionRow, actionPath, findAction, findActionPage } from '../actions/actions.repo.ts';
import { recordActivities } from '../activities/activities.repo.ts';
import type { FieldProblem, Lang } from '../communities/join.service.ts';
import { memberToken, verifyMemberToken } from '../links/member-token.ts';
import { appendConsent } from '../members/consent.repo.ts';
import { nameKeyOf, normalizeMemberFields } from '../members/member-fields.ts';
import { findLiveMembersByPhones, insertMember, isUniqueViolation } from '../members/members.repo.ts';
import { attribute, shareCodeOf } from '../referrals/referrals.repo.ts';
import { intentUrl, SHARE_NETWORKS, type ShareNetwork, type SharePost } from './share-links.ts';
import { recordShareTap, type ShareSettings, shareSettingsOf } from './shares.repo.ts';

// The public share page's flow (server/pages/share.routes.ts renders it): a member known from a text link (?gsm=), or
// one who gives their name and number, gets the suggested posts with one-tap buttons. Each button goes through
// /go/<network>, which counts the tap (a 'shared' activity and the counters) and redirects to the network's composer
// with the link to the shared action carrying the member's own share code. No text is sent from this page.

export type ShareField = 'firstName' | 'phone' | 'consent';

export type ShareContext = {
  action: ActionRow;
  settings: ShareSettings;
  workspace: { id: number; name: string; slug: string; defaultCountry: string; timezone: string };
  /** The published action the posts link to, when they link to one of ours. */
  target: ActionRow | null;
};

export type ShareButton = { network: ShareNetwork; post: SharePost; href: string };

export type IdentifyResult =
  | { kind: 'ready'; memberId: number; firstName: string | null; token: string }
  | { kind: 'invalid'; problems: Partial<Record<ShareField, FieldProblem>> }
  | { kind: 'closed' };

/** How long the buttons of a page keep counting for the member it was made for. */
const GO_TOKEN_MAX_AGE_MS = 30 * 86_400_000;

const DEFAULT_WORDING: Record<Lang, (workspace: string) => string> = {
  en: (w) =>
    `Text me about this campaign and other actions from ${w}. Msg & data rates may apply. Reply STOP to opt out, HELP for help. Not required to share.`,
  es: (w) =>
    `Envíenme mensajes de texto sobre esta campaña y otras acciones de ${w}. Pueden aplicarse tarifas de mensajes y datos. Responde STOP para darte de baja o HELP para obtener ayuda. No es obligatorio para compartir.`,
};

export const shareConsentWording = (ctx: Pick<ShareContext, 'action' | 'workspace'>, lang: Lang) =>
  ctx.action.consent_wording ?? DEFAULT_WORDING[lang](ctx.workspace.name);
export const shareWordingFingerprint = (wording: string) => sha256(wording).slice(0, 16);

type Deps = { db: Db; clock: Clock; appSecret: string; config: Pick<Config, 'publicUrl'> };

export type SharePageService = ReturnType<typeof createSharePageService>;

export function createSharePageService({ db, clock, appSecret, config }: Deps) {
  // The buttons' token is a member token under a key of its own: it cannot be used as a `gsm` link token.
  const goSecret = createHmac('sha256', appSecret).update('groundswell:share-go').digest('hex');

  async function findContext(workspaceSlug: string, slug: string): Promise<ShareContext | null> {
    const page = await findActionPage(db, workspaceSlug, 'share', slug);
    if (!page) return null;
    const { action, workspace } = page;
    const settings = shareSettingsOf(action);
    const target = settings.targetActionId === null ? undefined : await findAction(db, action.workspace_id, settings.targetActionId);
    return {
      action,
      settings,
      workspace,
      target: target && target.status !== 'draft' ? target : null,
    };
  }

  async function liveMember(ctx: ShareContext, memberId: number) {
    const row = await db
      .selectFrom('members')
      .select(['id', 'first_name'])
      .where('workspace_id', '=', ctx.workspace.id)
      .where('id', '=', memberId)
      .where('merged_into', 'is', null)
      .where('erased_at', 'is', null)
      .executeTakeFirst();
    return row ? { id: row.id, firstName: row.first_name } : null;
  }

  /** The member a tracked link's `gsm` token names, with a token for the page's buttons. */
  async function knownMember(ctx: ShareContext, gsm: string) {
    if (!gsm) return null;
    const who = verifyMemberToken(appSecret, gsm, clock.now());
    if (!who || who.workspaceId !== ctx.workspace.id) return null;
    const member = await liveMember(ctx, who.memberId);
    return member ? { ...member, token: goToken(ctx, member.id) } : null;
  }

  const goToken = (ctx: ShareContext, memberId: number) =>
    memberToken(goSecret, { workspaceId: ctx.workspace.id, memberId, issuedAt: clock.now() });

  /** The networks the organizer wrote a post for, in a fixed order, each with its counting link. */
  function buttons(ctx: ShareContext, token: string, lang: Lang): ShareButton[] {
    const base = `${actionPath(ctx.workspace.slug, ctx.action)}/go`;
    return SHARE_NETWORKS.flatMap((network) => {
      const post = ctx.settings.posts[network];
      if (!post) return [];
      return [{ network, post, href: `${base}/${network}?t=${encodeURIComponent(token)}${lang === 'en' ? '' : `&lang=${lang}`}` }];
    });
  }

  /** The link a post carries: the shared action with the sharer's code, or the outside address tagged by network. */
  function sharedLink(ctx: ShareContext, network: ShareNetwork, code: string | null): string {
    if (ctx.target) {
      const params = new URLSearchParams({ ...(code ? { ref: code } : {}), source: network, medium: 'share' });
      return `${config.publicUrl}${actionPath(ctx.workspace.slug, ctx.target)}?${params}`;
    }
    if (ctx.settings.targetUrl) {
      const url = new URL(ctx.settings.targetUrl);
      url.searchParams.set('utm_source', network);
      url.searchParams.set('utm_medium', 'share');
      url.searchParams.set('utm_campaign', ctx.action.slug);
      return url.toString();
    }
    // Nothing else to share: the toolkit itself, so friends become sharers too.
    const params = new URLSearchParams({ ...(code ? { ref: code } : {}), source: network, medium: 'share' });
    return `${config.publicUrl}${actionPath(ctx.workspace.slug, ctx.action)}?${params}`;
  }

  /**
   * A tap on a button: counted for the member the token names (while the action is open), then the network's composer
   * with the post. A missing or expired token still gets the composer, with a link that credits nobody.
   */
  async function tap(ctx: ShareContext, network: ShareNetwork, token: string): Promise<string | null> {
    const post = ctx.settings.posts[network];
    if (!post) return null;
    const who = verifyMemberToken(goSecret, token, clock.now(), GO_TOKEN_MAX_AGE_MS);
    const member = who && who.workspaceId === ctx.workspace.id ? await liveMember(ctx, who.memberId) : null;
    let code: string | null = null;
    if (member) {
      const now = clock.now();
      code = await db.transaction().execute(async (trx) => {
        if (ctx.action.status === 'published') {
          await recordShareTap(trx, { action: ctx.action, targetActionId: ctx.target?.id ?? null, memberId: member.id, network, now });
        }
        return shareCodeOf(trx, ctx.workspace.id, member.id, now);
      });
    }
    return intentUrl(network, post, sharedLink(ctx, network, code), {
      mastodonInstance: ctx.settings.mastodonInstance,
      title: ctx.action.title,
    });
  }

  /** The form for people who arrive without a tracked link: name and number (and SMS consent only when ticked). */
  async function identify(
    ctx: ShareContext,
    form: { firstName: string; phone: string; consent: boolean; wordingFingerprint: string; ref: string; source: string; medium: string },
    meta: { lang: Lang; ip: string; userAgent: string | null; sourceUrl: string },
  ): Promise<IdentifyResult> {
    if (ctx.action.status !== 'published') return { kind: 'closed' };
    const problems: Partial<Record<ShareField, FieldProblem>> = {};
    const firstName = form.firstName.trim();
    if (firstName === '') problems.firstName = { kind: 'required' };
    else if (firstName.length > 80) problems.firstName = { kind: 'too_long', max: 80 };
    let phone: string | null = null;
    const parsed = normalizePhone(form.phone, ctx.workspace.defaultCountry);
    if (form.phone.trim() === '') problems.phone = { kind: 'required' };
    else if (!parsed.ok) problems.phone = { kind: 'invalid_phone' };
    else if (parsed.country !== ctx.workspace.defaultCountry)
      problems.phone = { kind: 'other_country', country: ctx.workspace.defaultCountry };
    else if (parsed.type === 'landline') problems.phone = { kind: 'landline' };
    else phone = parsed.e164;
    const wording = shareConsentWording(ctx, meta.lang);
    if (form.consent && form.wordingFingerprint !== shareWordingFingerprint(wording)) problems.consent = { kind: 'wording_changed' };
    if (Object.keys(problems).length > 0 || phone === null) return { kind: 'invalid', problems };
    const e164 = phone;
    const now = clock.now();
    const ws = ctx.workspace.id;

    const attempt = () =>
      db.transaction().execute(async (trx) => {
        const [existing] = await findLiveMembersByPhones(trx, ws, [e164]);
        let memberId: number;
        let consent: string;
        let shownName: string | null = existing?.first_name ?? firstName;
        if (existing) {
          memberId = existing.id;
          consent = existing.sms_consent;
          await trx
            .updateTable('members')
            .set({
              ...(existing.first_name === null ? { first_name: firstName, name_key: nameKeyOf(firstName, existing.last_name) } : {}),
              last_active_at: now,
              updated_at: now,
            })
            .where('workspace_id', '=', ws)
            .where('id', '=', memberId)
            .execute();
        } else {
          const { value: fields } = normalizeMemberFields(
            { firstName, phone: e164, language: meta.lang, source: 'share_page' },
            { defaultCountry: ctx.workspace.defaultCountry, workspaceTimezone: ctx.workspace.timezone },
          );
          memberId = await insertMember(trx, { workspaceId: ws, fields, at: now });
          shownName = fields.firstName;
          consent = 'none';
          await recordActivities(
            trx,
            [
              {
                workspaceId: ws,
                memberId,
                type: 'created',
                communityId: ctx.action.community_id,
                data: { source: 'share_page', actionId: ctx.action.id },
                occurredAt: now,
              },
            ],
            now,
          );
        }
        if (form.consent && consent !== 'granted') {
          await appendConsent(trx, appSecret, {
            workspaceId: ws,
            memberId,
            channel: 'sms',
            status: 'granted',
            method: 'web_form',
            address: e164,
            wording,
            sourceUrl: meta.sourceUrl.slice(0, 500),
            ip: meta.ip,
            userAgent: meta.userAgent,
            at: now,
          });
        }
        await attribute(trx, {
          workspaceId: ws,
          actionId: ctx.action.id,
          memberId,
          ref: form.ref,
          source: form.source,
          medium: form.medium,
          now,
        });
        return { memberId, firstName: shownName };
      });
    // Two submissions of the same new number at once: the second finds the member the first created.
    const done = await attempt().catch((error: unknown) => {
      if (isUniqueViolation(error)) return attempt();
      throw error;
    });
    return { kind: 'ready', ...done, token: goToken(ctx, done.memberId) };
  }

  return { findContext, knownMember, buttons, tap, identify };
}
