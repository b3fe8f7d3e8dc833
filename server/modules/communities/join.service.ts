import { createHmac, randomInt } from 'node:crypto';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { SmsSender } from '../../channels/sms/contract.ts';
import type { Db } from '../../db/database.ts';
import type { CommunityVisibility, Database, MembershipStatus } from '../../db/schema.ts';
import type { Clock } from '../../lib/clock.ts';
import { type Logger, loggable } from '../../lib/logger.ts';
import { maskPhone, normalizePhone } from '../../lib/phone.ts';
import { addressHash, randomToken, safeEqual, sha256 } from '../../lib/tokens.ts';
import { recordActivities } from '../activities/activities.repo.ts';
import { appendConsent } from '../members/consent.repo.ts';
import { nameKeyOf, normalizeMemberFields } from '../members/member-fields.ts';
import { insertMember, isUniqueViolation } from '../members/members.repo.ts';
import { joinCommunities, requestMembership } from './communities.repo.ts';

// The public join flow (server/pages/join.routes.ts renders it): form → a one-time code by SMS → verified consent and
// membership. Nothing but the code is sent before the number is verified, and the code requests are rate-limited
// per number, per IP and per number prefix against SMS pumping (DESIGN.md §5).

export type Lang = 'en' | 'es';

export const CODE_TTL_MS = 10 * 60_000;
export const MAX_ATTEMPTS = 3;
export const VELOCITY = { windowMs: 3_600_000, perPhone: 3, perIp: 10, perPrefix: 30 } as const;

export type JoinContext = {
  workspace: { id: number; name: string; slug: string; defaultCountry: string; timezone: string };
  community: {
    id: number;
    name: string;
    slug: string;
    description: string;
    guidelines: string;
    visibility: CommunityVisibility;
    consentWording: string | null;
  };
};

export type JoinForm = {
  firstName: string;
  phone: string;
  email: string;
  postalCode: string;
  consent: boolean;
  /** The fingerprint of the consent wording the form showed (see wordingFingerprint). */
  wordingFingerprint: string;
  /** The hidden field people never see; bots fill it. */
  honeypot: string;
};
export type JoinField = 'firstName' | 'phone' | 'email' | 'postalCode' | 'consent';
export type FieldProblem =
  | { kind: 'required' }
  | { kind: 'too_long'; max: number }
  | { kind: 'invalid_phone' }
  | { kind: 'landline' }
  | { kind: 'other_country'; country: string }
  | { kind: 'invalid_email' }
  | { kind: 'invalid_postal_code' }
  | { kind: 'consent_required' }
  | { kind: 'wording_changed' };

export type RequestMeta = { lang: Lang; ip: string; userAgent: string | null; sourceUrl: string };

export type CodeSent = { kind: 'code_sent'; token: string; maskedPhone: string; simulatorCode: string | null };
export type StartResult =
  | CodeSent
  | { kind: 'invalid'; problems: Partial<Record<JoinField, FieldProblem>> }
  | { kind: 'invite_only' }
  | { kind: 'limited' }
  | { kind: 'send_failed' };
export type VerifyResult =
  | { kind: 'joined'; status: MembershipStatus; alreadyMember: boolean; firstName: string | null }
  | { kind: 'wrong_code'; attemptsLeft: number; token: string; maskedPhone: string }
  | { kind: 'too_many_attempts'; token: string }
  | { kind: 'expired' };
export type ResendResult = CodeSent | { kind: 'limited' } | { kind: 'expired' } | { kind: 'send_failed' };

type Deps = {
  db: Db;
  clock: Clock;
  sms: SmsSender;
  appSecret: string;
  logger?: Pick<Logger, 'warn'>;
};

const DEFAULT_WORDING: Record<Lang, (workspace: string, community: string) => string> = {
  en: (w, c) =>
    `I agree to receive recurring texts from ${w} about ${c}. Msg & data rates may apply. Reply STOP to opt out, HELP for help. Consent is not a condition of membership.`,
  es: (w, c) =>
    `Acepto recibir mensajes de texto recurrentes de ${w} sobre ${c}. Pueden aplicarse tarifas de mensajes y datos. Responde STOP para darte de baja o HELP para obtener ayuda. El consentimiento no es una condición para ser miembro.`,
};

const CODE_TEXT: Record<Lang, (workspace: string, code: string, community: string) => string> = {
  en: (w, code, c) => `${w}: ${code} is your code to join ${c}. It expires in 10 minutes.`,
  es: (w, code, c) => `${w}: ${code} es tu código para unirte a ${c}. Vence en 10 minutos.`,
};

/** The exact consent sentence shown beside the checkbox and recorded in the ledger. */
export function consentWording(ctx: JoinContext, lang: Lang): string {
  return ctx.community.consentWording ?? DEFAULT_WORDING[lang](ctx.workspace.name, ctx.community.name);
}

/** A short fingerprint of the wording, carried by the form so a wording changed in between is noticed. */
export const wordingFingerprint = (wording: string) => sha256(wording).slice(0, 16);

const emailSchema = z.email();
const US_ZIP = /^(\d{5})(-?\d{4})?$/;
const POSTAL = /^[A-Za-z0-9][A-Za-z0-9 -]{1,11}$/;

/** First 7 digits of the E.164 number (country code + area code + exchange in North America). */
const phonePrefix = (e164: string) => e164.replace(/^\+/, '').slice(0, 7);

export type JoinService = ReturnType<typeof createJoinService>;

export function createJoinService({ db, clock, sms, appSecret, logger }: Deps) {
  const codeHash = (tokenHash: string, code: string) => createHmac('sha256', appSecret).update(`otp:${tokenHash}:${code}`).digest('hex');

  async function findContext(workspaceSlug: string, communitySlug: string): Promise<JoinContext | null> {
    const row = await db
      .selectFrom('workspaces as w')
      .innerJoin('communities as c', 'c.workspace_id', 'w.id')
      .select([
        'w.id as workspace_id',
        'w.name as workspace_name',
        'w.slug as workspace_slug',
        'w.default_country',
        'w.timezone',
        'c.id',
        'c.name',
        'c.slug',
        'c.description',
        'c.guidelines',
        'c.visibility',
        'c.consent_wording',
      ])
      .where('w.slug', '=', workspaceSlug)
      .where('c.slug', '=', communitySlug)
      .where('c.archived_at', 'is', null)
      .executeTakeFirst();
    if (!row) return null;
    return {
      workspace: {
        id: row.workspace_id,
        name: row.workspace_name,
        slug: row.workspace_slug,
        defaultCountry: row.default_country,
        timezone: row.timezone,
      },
      community: {
        id: row.id,
        name: row.name,
        slug: row.slug,
        description: row.description,
        guidelines: row.guidelines,
        visibility: row.visibility,
        consentWording: row.consent_wording,
      },
    };
  }

  function validate(ctx: JoinContext, form: JoinForm, lang: Lang) {
    const problems: Partial<Record<JoinField, FieldProblem>> = {};
    const firstName = form.firstName.trim();
    if (firstName === '') problems.firstName = { kind: 'required' };
    else if (firstName.length > 80) problems.firstName = { kind: 'too_long', max: 80 };

    let phone: { e164: string; type: string } | null = null;
    const parsed = normalizePhone(form.phone, ctx.workspace.defaultCountry);
    if (form.phone.trim() === '') problems.phone = { kind: 'required' };
    else if (!parsed.ok) problems.phone = { kind: 'invalid_phone' };
    else if (parsed.country !== ctx.workspace.defaultCountry)
      problems.phone = { kind: 'other_country', country: ctx.workspace.defaultCountry };
    else if (parsed.type === 'landline') problems.phone = { kind: 'landline' };
    else phone = { e164: parsed.e164, type: parsed.type };

    const email = form.email.trim().toLowerCase();
    if (email !== '' && (email.length > 254 || !emailSchema.safeParse(email).success)) problems.email = { kind: 'invalid_email' };

    let postalCode = form.postalCode.trim().toUpperCase();
    if (postalCode !== '') {
      const zip = ctx.workspace.defaultCountry === 'US' ? US_ZIP.exec(postalCode) : null;
      if (zip?.[1]) postalCode = zip[1];
      else if (ctx.workspace.defaultCountry === 'US' || !POSTAL.test(postalCode)) problems.postalCode = { kind: 'invalid_postal_code' };
    }

    if (!form.consent) problems.consent = { kind: 'consent_required' };
    else if (form.wordingFingerprint !== wordingFingerprint(consentWording(ctx, lang))) problems.consent = { kind: 'wording_changed' };

    return {
      problems,
      value: { firstName, phone, email: email || null, postalCode: postalCode || null },
    };
  }

  /** Which velocity limit the next code would break, if any (rows of the last hour in this workspace). */
  async function limitReached(workspaceId: number, phoneHash: string, ip: string, prefix: string, now: number) {
    const since = now - VELOCITY.windowMs;
    const count = async (column: 'phone_hash' | 'ip' | 'phone_prefix', value: string) => {
      const row = await db
        .selectFrom('verification_codes')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', workspaceId)
        .where(column, '=', value)
        .where('created_at', '>', since)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    };
    if ((await count('phone_hash', phoneHash)) >= VELOCITY.perPhone) return 'phone';
    if ((await count('ip', ip)) >= VELOCITY.perIp) return 'ip';
    if ((await count('phone_prefix', prefix)) >= VELOCITY.perPrefix) return 'prefix';
    return null;
  }

  /** Stores a new code (hashed) for the number and sends it; the caller has checked the velocity limits. */
  async function issueCode(
    ctx: JoinContext,
    input: {
      e164: string;
      memberId: number;
      lang: Lang;
      ip: string;
      userAgent: string | null;
      wording: string;
      sourceUrl: string;
      details: string;
      now: number;
    },
  ): Promise<CodeSent | { kind: 'send_failed' }> {
    const token = randomToken();
    const tokenHash = sha256(token);
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const row = await db
      .insertInto('verification_codes')
      .values({
        workspace_id: ctx.workspace.id,
        token_hash: tokenHash,
        phone_hash: addressHash(appSecret, 'sms', input.e164),
        phone_prefix: phonePrefix(input.e164),
        code_hash: codeHash(tokenHash, code),
        community_id: ctx.community.id,
        member_id: input.memberId,
        ip: input.ip,
        user_agent: input.userAgent?.slice(0, 300) ?? null,
        language: input.lang,
        wording: input.wording,
        source_url: input.sourceUrl.slice(0, 500),
        details: input.details,
        created_at: input.now,
        expires_at: input.now + CODE_TTL_MS,
        consumed_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    let simulated = sms.isSimulator === true;
    try {
      const sent = await sms.send({
        workspaceId: ctx.workspace.id,
        to: input.e164,
        body: CODE_TEXT[input.lang](ctx.workspace.name, code, ctx.community.name),
      });
      simulated ||= sent.simulated === true;
    } catch (error) {
      logger?.warn(
        { err: loggable(error), workspaceId: ctx.workspace.id, to: maskPhone(input.e164) },
        'join page: the one-time code could not be sent',
      );
      await db.updateTable('verification_codes').set({ expires_at: input.now }).where('id', '=', row.id).execute();
      return { kind: 'send_failed' };
    }
    return { kind: 'code_sent', token, maskedPhone: maskPhone(input.e164), simulatorCode: simulated ? code : null };
  }

  async function start(ctx: JoinContext, form: JoinForm, meta: RequestMeta): Promise<StartResult> {
    if (ctx.community.visibility === 'invite') return { kind: 'invite_only' };
    if (form.honeypot.trim() !== '') {
      // A bot: answer exactly like a success, store and send nothing.
      const digits = form.phone.replace(/\D/g, '');
      return { kind: 'code_sent', token: randomToken(), maskedPhone: `…${digits.slice(-4)}`, simulatorCode: null };
    }
    const { problems, value } = validate(ctx, form, meta.lang);
    if (Object.keys(problems).length > 0 || !value.phone) return { kind: 'invalid', problems };
    const phone = value.phone;
    const now = clock.now();
    const phoneHash = addressHash(appSecret, 'sms', phone.e164);
    if (await limitReached(ctx.workspace.id, phoneHash, meta.ip, phonePrefix(phone.e164), now)) return { kind: 'limited' };

    // The member is found by number or created now (no consent yet: that waits for the code).
    const findByPhone = async (executor: Db | Transaction<Database>) =>
      (
        await executor
          .selectFrom('members')
          .select('id')
          .where('workspace_id', '=', ctx.workspace.id)
          .where('phone', '=', phone.e164)
          .executeTakeFirst()
      )?.id;
    const create = db.transaction().execute(async (trx) => {
      const existing = await findByPhone(trx);
      if (existing !== undefined) return existing;
      const { value: fields } = normalizeMemberFields(
        {
          firstName: value.firstName,
          phone: phone.e164,
          email: value.email,
          postalCode: value.postalCode,
          language: meta.lang,
          source: 'join_page',
        },
        { defaultCountry: ctx.workspace.defaultCountry, workspaceTimezone: ctx.workspace.timezone },
      );
      const createdId = await insertMember(trx, { workspaceId: ctx.workspace.id, fields, at: now });
      await recordActivities(
        trx,
        [
          {
            workspaceId: ctx.workspace.id,
            memberId: createdId,
            type: 'created',
            communityId: ctx.community.id,
            data: { source: 'join_page' },
            occurredAt: now,
          },
        ],
        now,
      );
      return createdId;
    });
    // Two submissions of the same new number at once: the second finds the member the first created.
    const memberId = await create.catch(async (error: unknown) => {
      const existing = isUniqueViolation(error) ? await findByPhone(db) : undefined;
      if (existing === undefined) throw error;
      return existing;
    });

    return issueCode(ctx, {
      e164: phone.e164,
      memberId,
      lang: meta.lang,
      ip: meta.ip,
      userAgent: meta.userAgent,
      wording: consentWording(ctx, meta.lang),
      sourceUrl: meta.sourceUrl,
      details: JSON.stringify({ firstName: value.firstName, email: value.email, postalCode: value.postalCode }),
      now,
    });
  }

  async function findCode(ctx: JoinContext, token: string) {
    if (token.length < 20 || token.length > 100) return undefined;
    return db
      .selectFrom('verification_codes')
      .selectAll()
      .where('token_hash', '=', sha256(token))
      .where('workspace_id', '=', ctx.workspace.id)
      .where('community_id', '=', ctx.community.id)
      .executeTakeFirst();
  }

  /** The member the code was sent for, provided their number is still the one the code went to. */
  async function memberOfCode(row: { member_id: number; phone_hash: string; workspace_id: number }) {
    const member = await db
      .selectFrom('members')
      .select(['id', 'phone', 'first_name', 'last_name', 'email', 'postal_code', 'merged_into', 'erased_at'])
      .where('workspace_id', '=', row.workspace_id)
      .where('id', '=', row.member_id)
      .executeTakeFirst();
    if (!member?.phone || member.erased_at !== null || member.merged_into !== null) return null;
    if (!safeEqual(addressHash(appSecret, 'sms', member.phone), row.phone_hash)) return null;
    return { ...member, phone: member.phone };
  }

  async function membershipStatus(executor: Db | Transaction<Database>, ctx: JoinContext, memberId: number) {
    const row = await executor
      .selectFrom('memberships')
      .select('status')
      .where('workspace_id', '=', ctx.workspace.id)
      .where('community_id', '=', ctx.community.id)
      .where('member_id', '=', memberId)
      .executeTakeFirst();
    return row?.status ?? null;
  }

  async function verify(
    ctx: JoinContext,
    input: { token: string; code: string; ip: string; userAgent: string | null },
  ): Promise<VerifyResult> {
    const now = clock.now();
    const row = await findCode(ctx, input.token);
    if (!row) return { kind: 'expired' };
    const code = input.code.replace(/\D/g, '');
    const matches = code.length === 6 && safeEqual(codeHash(row.token_hash, code), row.code_hash);
    const member = await memberOfCode(row);
    if (!member) return { kind: 'expired' };
    if (row.consumed_at !== null) {
      // The same correct code sent twice (a double tap): the first one did the work.
      if (!matches) return { kind: 'expired' };
      const status = (await membershipStatus(db, ctx, member.id)) ?? 'pending';
      return { kind: 'joined', status, alreadyMember: true, firstName: member.first_name };
    }
    if (row.expires_at <= now) return { kind: 'expired' };
    if (row.attempts >= MAX_ATTEMPTS) return { kind: 'too_many_attempts', token: input.token };
    if (!matches) {
      await db
        .updateTable('verification_codes')
        .set((eb) => ({ attempts: eb('attempts', '+', 1) }))
        .where('id', '=', row.id)
        .where('consumed_at', 'is', null)
        .execute();
      const attemptsLeft = MAX_ATTEMPTS - row.attempts - 1;
      if (attemptsLeft <= 0) return { kind: 'too_many_attempts', token: input.token };
      return { kind: 'wrong_code', attemptsLeft, token: input.token, maskedPhone: maskPhone(member.phone) };
    }

    const details = JSON.parse(row.details) as { firstName?: string | null; email?: string | null; postalCode?: string | null };
    return db.transaction().execute(async (trx): Promise<VerifyResult> => {
      const consumed = await trx
        .updateTable('verification_codes')
        .set({ consumed_at: now })
        .where('id', '=', row.id)
        .where('consumed_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      if (!consumed) return { kind: 'expired' };
      const before = await membershipStatus(trx, ctx, member.id);
      // Fill what the member record lacks; never overwrite what is there.
      const fill = {
        ...(member.first_name === null && details.firstName
          ? { first_name: details.firstName, name_key: nameKeyOf(details.firstName, member.last_name) }
          : {}),
        ...(member.email === null && details.email ? { email: details.email } : {}),
        ...(member.postal_code === null && details.postalCode ? { postal_code: details.postalCode } : {}),
      };
      await trx
        .updateTable('members')
        .set({ ...fill, last_active_at: now, updated_at: now })
        .where('workspace_id', '=', ctx.workspace.id)
        .where('id', '=', member.id)
        .execute();
      await appendConsent(trx, appSecret, {
        workspaceId: ctx.workspace.id,
        memberId: member.id,
        channel: 'sms',
        status: 'granted',
        method: 'verified_code',
        address: member.phone,
        wording: row.wording,
        sourceUrl: row.source_url,
        ip: input.ip,
        userAgent: input.userAgent,
        at: now,
      });
      let status: MembershipStatus;
      if (ctx.community.visibility === 'request') {
        status = await requestMembership(trx, {
          workspaceId: ctx.workspace.id,
          communityId: ctx.community.id,
          memberId: member.id,
          source: 'join_page',
          at: now,
        });
      } else {
        await joinCommunities(trx, {
          workspaceId: ctx.workspace.id,
          memberIds: [member.id],
          communityIds: [ctx.community.id],
          role: 'member',
          source: 'join_page',
          at: now,
        });
        status = 'active';
      }
      return { kind: 'joined', status, alreadyMember: before === status, firstName: fill.first_name ?? member.first_name };
    });
  }

  async function resend(ctx: JoinContext, input: { token: string; ip: string; userAgent: string | null }): Promise<ResendResult> {
    const now = clock.now();
    const row = await findCode(ctx, input.token);
    if (!row || row.consumed_at !== null) return { kind: 'expired' };
    const member = await memberOfCode(row);
    if (!member) return { kind: 'expired' };
    if (await limitReached(ctx.workspace.id, row.phone_hash, input.ip, row.phone_prefix, now)) return { kind: 'limited' };
    // The earlier code stops working as soon as a new one is on its way.
    await db.updateTable('verification_codes').set({ expires_at: now }).where('id', '=', row.id).where('expires_at', '>', now).execute();
    return issueCode(ctx, {
      e164: member.phone,
      memberId: member.id,
      lang: row.language === 'es' ? 'es' : 'en',
      ip: input.ip,
      userAgent: input.userAgent,
      wording: row.wording,
      sourceUrl: row.source_url,
      details: row.details,
      now,
    });
  }

  return { findContext, start, verify, resend };
}
