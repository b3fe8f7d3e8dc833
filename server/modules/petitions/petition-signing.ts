import type { Transaction } from 'kysely';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import type { Counters, GroupCommit } from '../../db/group-commit.ts';
import type { Database, PhoneType } from '../../db/schema.ts';
import type { Clock } from '../../lib/clock.ts';
import { normalizePhone } from '../../lib/phone.ts';
import { sha256 } from '../../lib/tokens.ts';
import { type ActionRow, actionPath, findActionPage } from '../actions/actions.repo.ts';
import { type ActivityInput, recordActivities } from '../activities/activities.repo.ts';
import { joinCommunities } from '../communities/communities.repo.ts';
import type { FieldProblem, Lang } from '../communities/join.service.ts';
import { newLinkCode } from '../links/link-rewrite.ts';
import { verifyMemberToken } from '../links/member-token.ts';
import { appendConsent } from '../members/consent.repo.ts';
import { nameKeyOf, normalizeMemberFields } from '../members/member-fields.ts';
import { findLiveMembersByEmails, findLiveMembersByPhones, findMember, insertMember, isUniqueViolation } from '../members/members.repo.ts';
import { queueReply } from '../messaging/outbox.ts';
import { attribute, shareCodeOf } from '../referrals/referrals.repo.ts';
import { findSignature, type PetitionSettings, publicSigners, recentSignatures, settingsOf } from './petitions.repo.ts';

// Signing a petition on its public page (server/pages/petition.routes.ts renders it). A signature needs no code by
// SMS: the signer is found or created by phone or email, signs once, joins the petition's community and, only when
// they tick the box, gives SMS consent recorded with the exact words shown. Limits per address and per number prefix
// keep bots from stuffing the count or pumping confirmation texts (DESIGN.md §5).

export const SIGN_VELOCITY = { windowMs: 3_600_000, perIp: 20, perPrefix: 60 } as const;
export const MAX_COMMENT = 1_000;

export type PetitionField = 'firstName' | 'lastName' | 'email' | 'phone' | 'postalCode' | 'comment' | 'consent';
export type PetitionProblem = FieldProblem | { kind: 'contact_required' } | { kind: 'consent_needs_phone' };

export type PetitionContext = {
  action: ActionRow;
  settings: PetitionSettings;
  workspace: { id: number; name: string; slug: string; defaultCountry: string; timezone: string };
};

export type SignForm = {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  postalCode: string;
  comment: string;
  showName: boolean;
  consent: boolean;
  wordingFingerprint: string;
  honeypot: string;
  /** The share code of the link that brought the signer (?ref=). */
  ref: string;
  source: string;
  medium: string;
};

export type SignMeta = { lang: Lang; ip: string; userAgent: string | null; sourceUrl: string };

export type SignResult =
  | { kind: 'signed'; memberId: number | null; firstName: string | null; refCode: string; count: number }
  | { kind: 'already'; memberId: number; firstName: string | null; refCode: string; count: number }
  | { kind: 'invalid'; problems: Partial<Record<PetitionField, PetitionProblem>> }
  | { kind: 'limited' }
  | { kind: 'closed' };

export type Prefill = { firstName: string; lastName: string; email: string; phone: string; postalCode: string; signed: boolean };

const DEFAULT_WORDING: Record<Lang, (workspace: string) => string> = {
  en: (w) =>
    `I agree to receive recurring texts from ${w} about this campaign and related actions. Msg & data rates may apply. Reply STOP to opt out, HELP for help. Consent is not a condition of signing.`,
  es: (w) =>
    `Acepto recibir mensajes de texto recurrentes de ${w} sobre esta campaña y acciones relacionadas. Pueden aplicarse tarifas de mensajes y datos. Responde STOP para darte de baja o HELP para obtener ayuda. El consentimiento no es una condición para firmar.`,
};

const THANKS_TEXT: Record<Lang, (workspace: string, title: string, url: string) => string> = {
  en: (w, t, url) => `${w}: thank you for signing "${t}"! Share it with friends: ${url} Reply STOP to opt out.`,
  es: (w, t, url) => `${w}: ¡gracias por firmar "${t}"! Compártela: ${url} Responde STOP para darte de baja.`,
};

/** The exact consent sentence beside the checkbox, recorded in the ledger when ticked. */
export function petitionConsentWording(ctx: Pick<PetitionContext, 'action' | 'workspace'>, lang: Lang): string {
  return ctx.action.consent_wording ?? DEFAULT_WORDING[lang](ctx.workspace.name);
}

export const wordingFingerprint = (wording: string) => sha256(wording).slice(0, 16);

const emailSchema = z.email();
const US_ZIP = /^(\d{5})(-?\d{4})?$/;
const POSTAL = /^[A-Za-z0-9][A-Za-z0-9 -]{1,11}$/;
const TAG = /^[\w.-]{1,60}$/;

/** First 7 digits of the E.164 number (country code + area code + exchange in North America). */
const phonePrefix = (e164: string) => e164.replace(/^\+/, '').slice(0, 7);

type Deps = {
  db: Db;
  clock: Clock;
  appSecret: string;
  publicUrl: string;
  /** Sign-ups arriving together are committed together (server/db/group-commit.ts). */
  writer: GroupCommit;
};

export function createPetitionSigning({ db, clock, appSecret, publicUrl, writer }: Deps) {
  async function findContext(workspaceSlug: string, slug: string): Promise<PetitionContext | null> {
    const page = await findActionPage(db, workspaceSlug, 'petition', slug);
    return page && { ...page, settings: settingsOf(page.action) };
  }

  /** What the page shows of a member who arrived from a tracked link (?gsm=), or null. */
  async function prefill(ctx: PetitionContext, token: string): Promise<Prefill | null> {
    const who = verifyMemberToken(appSecret, token, clock.now());
    if (!who || who.workspaceId !== ctx.workspace.id) return null;
    const member = await findMember(db, ctx.workspace.id, who.memberId);
    if (!member || member.merged_into !== null || member.erased_at !== null) return null;
    const phone = member.phone ? parsePhoneNumberFromString(member.phone) : undefined;
    return {
      firstName: member.first_name ?? '',
      lastName: member.last_name ?? '',
      email: member.email ?? '',
      phone: phone ? (phone.country === ctx.workspace.defaultCountry ? phone.formatNational() : phone.number) : (member.phone ?? ''),
      postalCode: member.postal_code ?? '',
      signed: (await findSignature(db, ctx.workspace.id, ctx.action.id, member.id)) !== undefined,
    };
  }

  async function signers(ctx: PetitionContext, limit = 10) {
    if (!ctx.settings.showSigners) return [];
    return publicSigners(db, ctx.workspace.id, ctx.action.id, limit);
  }

  function validate(ctx: PetitionContext, form: SignForm, lang: Lang) {
    const problems: Partial<Record<PetitionField, PetitionProblem>> = {};
    const name = (field: 'firstName' | 'lastName', value: string, required: boolean) => {
      const v = value.trim();
      if (v === '' && required) problems[field] = { kind: 'required' };
      else if (v.length > 80) problems[field] = { kind: 'too_long', max: 80 };
      return v;
    };
    const firstName = name('firstName', form.firstName, true);
    const lastName = name('lastName', form.lastName, false);

    let phone: string | null = null;
    let phoneType: PhoneType = 'unknown';
    if (form.phone.trim() !== '') {
      const parsed = normalizePhone(form.phone, ctx.workspace.defaultCountry);
      if (!parsed.ok) problems.phone = { kind: 'invalid_phone' };
      else if (parsed.country !== ctx.workspace.defaultCountry)
        problems.phone = { kind: 'other_country', country: ctx.workspace.defaultCountry };
      else if (parsed.type === 'landline') problems.phone = { kind: 'landline' };
      else {
        phone = parsed.e164;
        phoneType = parsed.type;
      }
    }

    const email = form.email.trim().toLowerCase();
    if (email !== '' && (email.length > 254 || !emailSchema.safeParse(email).success)) problems.email = { kind: 'invalid_email' };
    if (form.phone.trim() === '' && email === '') problems.phone = { kind: 'contact_required' };

    let postalCode = form.postalCode.trim().toUpperCase();
    if (postalCode !== '') {
      const zip = ctx.workspace.defaultCountry === 'US' ? US_ZIP.exec(postalCode) : null;
      if (zip?.[1]) postalCode = zip[1];
      else if (ctx.workspace.defaultCountry === 'US' || !POSTAL.test(postalCode)) problems.postalCode = { kind: 'invalid_postal_code' };
    }

    const comment = ctx.settings.askComment ? form.comment.trim() : '';
    if (comment.length > MAX_COMMENT) problems.comment = { kind: 'too_long', max: MAX_COMMENT };

    if (form.consent) {
      if (form.phone.trim() === '') problems.consent = { kind: 'consent_needs_phone' };
      else if (form.wordingFingerprint !== wordingFingerprint(petitionConsentWording(ctx, lang)))
        problems.consent = { kind: 'wording_changed' };
    }
    return {
      problems,
      value: {
        firstName,
        lastName: lastName || null,
        phone,
        phoneType,
        email: email || null,
        postalCode: postalCode || null,
        comment: comment || null,
      },
    };
  }

  async function sign(ctx: PetitionContext, form: SignForm, meta: SignMeta): Promise<SignResult> {
    if (ctx.action.status !== 'published') return { kind: 'closed' };
    if (form.honeypot.trim() !== '') {
      // A bot: answer like a success; nothing is stored.
      return {
        kind: 'signed',
        memberId: null,
        firstName: form.firstName.trim() || null,
        refCode: newLinkCode(),
        count: ctx.action.taken_count + 1,
      };
    }
    const { problems, value } = validate(ctx, form, meta.lang);
    if (Object.keys(problems).length > 0) return { kind: 'invalid', problems };

    const now = clock.now();
    const since = now - SIGN_VELOCITY.windowMs;
    const ws = ctx.workspace.id;
    const prefix = value.phone ? phonePrefix(value.phone) : null;
    // The limits are counted in the sign-up's own transaction: sign-ups from one address that arrive together see
    // each other, and the request waits for its batch once instead of queueing for the database before it too.
    const attempt = () =>
      writer.run(async ({ trx, counters }): Promise<SignResult> => {
        const recent = await recentSignatures(trx, ws, { ip: meta.ip, prefix, since });
        if (recent.ip >= SIGN_VELOCITY.perIp || recent.prefix >= SIGN_VELOCITY.perPrefix) return { kind: 'limited' };
        return signIn(trx, counters, ctx, form, value, meta, prefix, now);
      });
    // Two submissions at once (a double tap, the same new number twice): the second sees what the first wrote.
    return attempt().catch((error: unknown) => {
      if (!isUniqueViolation(error)) throw error;
      return attempt();
    });
  }

  async function signIn(
    trx: Transaction<Database>,
    counters: Counters,
    page: PetitionContext,
    form: SignForm,
    value: ReturnType<typeof validate>['value'],
    meta: SignMeta,
    prefix: string | null,
    now: number,
  ): Promise<SignResult> {
    const ws = page.workspace.id;
    // The page's context may be a few seconds old (the public route keeps it briefly): the petition itself is read
    // again here, in the sign-up's transaction, so a closed petition or changed consent words count at once.
    const current = await trx
      .selectFrom('actions as a')
      .leftJoin('communities as c', (join) => join.onRef('c.id', '=', 'a.community_id').on('c.archived_at', 'is', null))
      .selectAll('a')
      .select('c.id as live_community_id')
      .where('a.workspace_id', '=', ws)
      .where('a.id', '=', page.action.id)
      .executeTakeFirst();
    if (current?.status !== 'published') return { kind: 'closed' };
    // The petition's community, unless it was archived.
    const { live_community_id: communityId, ...action } = current;
    const ctx: PetitionContext = { ...page, action, settings: settingsOf(action) };
    if (form.consent && form.wordingFingerprint !== wordingFingerprint(petitionConsentWording(ctx, meta.lang))) {
      return { kind: 'invalid', problems: { consent: { kind: 'wording_changed' } } };
    }
    const activities: ActivityInput[] = [];
    const byPhone = value.phone ? (await findLiveMembersByPhones(trx, ws, [value.phone]))[0] : undefined;
    const found = byPhone ?? (value.email ? (await findLiveMembersByEmails(trx, ws, [value.email]))[0] : undefined);
    let memberId: number;
    // What the rest of the sign-up needs of the member, as stored after this step.
    let member: { first_name: string | null; postal_code: string | null; phone: string | null; sms_consent: string };
    if (found) {
      memberId = found.id;
      const signed = await findSignature(trx, ws, action.id, memberId);
      if (signed) {
        const refCode = await shareCodeOf(trx, ws, memberId, now);
        return { kind: 'already', memberId, firstName: found.first_name, refCode, count: action.taken_count };
      }
      // Fill what the member record lacks; never overwrite what is there.
      const stored = await findMember(trx, ws, memberId);
      const firstName = stored?.first_name ?? value.firstName;
      const lastName = stored?.last_name ?? value.lastName;
      await trx
        .updateTable('members')
        .set({
          ...(stored?.first_name == null || stored.last_name == null
            ? { first_name: firstName, last_name: lastName, name_key: nameKeyOf(firstName, lastName) }
            : {}),
          ...(stored?.email == null && value.email ? { email: value.email } : {}),
          ...(stored?.phone == null && value.phone ? { phone: value.phone, phone_type: value.phoneType } : {}),
          ...(stored?.postal_code == null && value.postalCode ? { postal_code: value.postalCode } : {}),
          last_active_at: now,
          updated_at: now,
        })
        .where('workspace_id', '=', ws)
        .where('id', '=', memberId)
        .execute();
      member = {
        first_name: firstName,
        postal_code: stored?.postal_code ?? value.postalCode,
        phone: stored?.phone ?? value.phone,
        sms_consent: stored?.sms_consent ?? 'none',
      };
    } else {
      const { value: fields } = normalizeMemberFields(
        {
          firstName: value.firstName,
          lastName: value.lastName,
          phone: value.phone,
          email: value.email,
          postalCode: value.postalCode,
          language: meta.lang,
          source: 'petition',
        },
        { defaultCountry: ctx.workspace.defaultCountry, workspaceTimezone: ctx.workspace.timezone },
      );
      memberId = await insertMember(trx, { workspaceId: ws, fields, at: now });
      activities.push({ workspaceId: ws, memberId, type: 'created', data: { source: 'petition', actionId: action.id }, occurredAt: now });
      member = { first_name: fields.firstName, postal_code: fields.postalCode, phone: fields.phone, sms_consent: 'none' };
    }
    // The signer's own share code (the same on every action) goes on their thank-you page and text.
    const refCode = await shareCodeOf(trx, ws, memberId, now, !found);
    const tag = (v: string) => (TAG.test(v.trim()) ? v.trim() : null);
    const source = tag(form.source) ?? 'web';
    const credit = await attribute(trx, {
      workspaceId: ws,
      actionId: action.id,
      memberId,
      ref: form.ref,
      source,
      medium: tag(form.medium),
      now,
    });
    await trx
      .insertInto('petition_signatures')
      .values({
        workspace_id: ws,
        action_id: action.id,
        member_id: memberId,
        comment: value.comment,
        public: form.showName ? 1 : 0,
        public_name: form.showName ? (member.first_name ?? value.firstName) : null,
        public_place: form.showName ? (member.postal_code ?? value.postalCode) : null,
        source,
        medium: tag(form.medium),
        ref: credit ? credit.ref : null,
        referred_by: credit?.referrerId ?? null,
        ip: meta.ip,
        phone_prefix: prefix,
        created_at: now,
      })
      .execute();
    activities.push({
      workspaceId: ws,
      memberId,
      type: 'signed',
      communityId: action.community_id,
      subjectType: 'action',
      subjectId: action.id,
      data: { source, ...(credit ? { ref: credit.ref } : {}) },
      occurredAt: now,
    });
    counters.add('actions.taken_count', ws, action.id, 1, now);

    if (communityId !== null) {
      // The community was read as live above, and a member created here has no membership yet; the 'joined'
      // activity is written with the others.
      await joinCommunities(trx, {
        workspaceId: ws,
        memberIds: [memberId],
        communityIds: [communityId],
        role: 'member',
        source: 'petition',
        at: now,
        counters,
        communitiesChecked: true,
        newMembers: !found,
        activities,
      });
    }
    await recordActivities(trx, activities, now);

    const phone = member.phone;
    let consent = member.sms_consent;
    if (form.consent && phone && value.phone === phone && consent !== 'granted') {
      await appendConsent(trx, appSecret, {
        workspaceId: ws,
        memberId,
        channel: 'sms',
        status: 'granted',
        method: 'web_form',
        address: phone,
        wording: petitionConsentWording(ctx, meta.lang),
        sourceUrl: meta.sourceUrl.slice(0, 500),
        ip: meta.ip,
        userAgent: meta.userAgent,
        at: now,
      });
      consent = 'granted';
    }
    if (consent === 'granted' && phone && value.phone === phone) {
      const url = `${publicUrl}${actionPath(ctx.workspace.slug, action)}?ref=${refCode}`;
      await queueReply(trx, {
        workspaceId: ws,
        memberId,
        to: phone,
        body: THANKS_TEXT[meta.lang](ctx.workspace.name, action.title, url),
        kind: 'automation',
        now,
      });
    }
    // The count as committed before this sign-up's batch, plus this signature.
    return { kind: 'signed', memberId, firstName: member.first_name ?? value.firstName, refCode, count: action.taken_count + 1 };
  }

  return { findContext, prefill, signers, sign };
}
