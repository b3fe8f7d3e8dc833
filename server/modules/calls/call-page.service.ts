import { createHmac } from 'node:crypto';
import type { Db } from '../../db/database.ts';
import type { CallOutcome } from '../../db/schema.ts';
import type { Clock } from '../../lib/clock.ts';
import { normalizePhone } from '../../lib/phone.ts';
import { sha256 } from '../../lib/tokens.ts';
import { type ActionRow, bumpTaken, findPublicAction } from '../actions/actions.repo.ts';
import { recordActivities } from '../activities/activities.repo.ts';
import { memberToken, verifyMemberToken } from '../links/member-token.ts';
import { appendConsent } from '../members/consent.repo.ts';
import { nameKeyOf, normalizeMemberFields } from '../members/member-fields.ts';
import { type Executor, findLiveMembersByPhones, insertMember, isUniqueViolation } from '../members/members.repo.ts';
import { attribute } from '../referrals/referrals.repo.ts';
import { renderScript } from './call-script.ts';
import {
  type CallTargetRow,
  districtsOf,
  fixedTargetsOf,
  loggedOutcomes,
  normalizePostalCode,
  officialsFor,
  targetKey,
} from './calls.repo.ts';
import { callSettings } from './calls.service.ts';

// The public call page's flow (server/pages/call.routes.ts renders it): a member says who they are and where they
// live (or arrives known from a text link), gets the people to call with the script filled in, calls, and logs each
// call's outcome: a `called` activity and the action's counter, in one transaction. No text is sent from this page.

export type Lang = 'en' | 'es';
export type CallField = 'firstName' | 'phone' | 'postalCode' | 'consent';
export type CallProblem =
  | { kind: 'required' }
  | { kind: 'too_long'; max: number }
  | { kind: 'invalid_phone' }
  | { kind: 'landline' }
  | { kind: 'other_country'; country: string }
  | { kind: 'invalid_postal_code' }
  | { kind: 'no_targets' }
  | { kind: 'wording_changed' };

export type CallContext = Omit<NonNullable<Awaited<ReturnType<typeof findPublicAction>>>, 'settings'> & {
  settings: ReturnType<typeof callSettings>;
};

export type KnownMember = {
  id: number;
  firstName: string | null;
  lastName: string | null;
  postalCode: string | null;
  smsConsent: string;
  /** E.164, when the member has a number (prefills the patch-through form). */
  phone: string | null;
};

export type TargetView = {
  id: number;
  name: string;
  title: string;
  office: string;
  district: string;
  phone: string;
  script: string;
  /** What the member logged for this person already. */
  outcome: CallOutcome | null;
};

export type Session = { token: string; member: KnownMember; postalCode: string; targets: TargetView[] };

export type IdentifyResult = { kind: 'invalid'; problems: Partial<Record<CallField, CallProblem>> } | ({ kind: 'targets' } & Session);
export type OutcomeResult = { kind: 'expired' } | { kind: 'unknown_target' } | ({ kind: 'logged'; target: TargetView } & Session);

/** How long the page's hidden session token lets a member log outcomes. */
const SESSION_MAX_AGE_MS = 24 * 60 * 60_000;

const DEFAULT_WORDING: Record<Lang, (workspace: string) => string> = {
  en: (w) => `Text me updates from ${w} about this and other campaigns. Msg & data rates may apply. Reply STOP to opt out, HELP for help.`,
  es: (w) =>
    `Envíenme mensajes de texto de ${w} sobre esta y otras campañas. Pueden aplicarse tarifas de mensajes y datos. Responde STOP para darte de baja o HELP para obtener ayuda.`,
};

/** The exact words beside the page's SMS checkbox (recorded in the consent ledger when ticked). */
export const callConsentWording = (ctx: CallContext, lang: Lang) => ctx.consent_wording ?? DEFAULT_WORDING[lang](ctx.workspace_name);
export const callWordingFingerprint = (wording: string) => sha256(wording).slice(0, 16);

/**
 * One call's outcome, however it was learned (the member's report on the page, or the voice provider's result of a
 * patch-through call): the call log row (one per member and person called; a later report changes the outcome without
 * counting a second call), the action's counter, and a `called` activity. In the caller's transaction.
 */
export async function recordCallOutcome(
  trx: Executor,
  input: {
    workspaceId: number;
    actionId: number;
    communityId: number | null;
    memberId: number;
    target: { id: number | null; name: string; title: string; district: string; phone: string };
    outcome: CallOutcome;
    now: number;
    /** More for the activity (how the call was made). */
    data?: Record<string, unknown>;
  },
): Promise<void> {
  const { workspaceId, actionId, memberId, target, outcome, now } = input;
  const key = targetKey(target);
  const inserted = await trx
    .insertInto('call_logs')
    .values({
      workspace_id: workspaceId,
      action_id: actionId,
      member_id: memberId,
      target_id: target.id,
      target_name: target.name,
      target_key: key,
      outcome,
      created_at: now,
    })
    .onConflict((oc) => oc.columns(['action_id', 'member_id', 'target_key']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) await bumpTaken(trx, workspaceId, actionId, 1, now);
  else
    await trx
      .updateTable('call_logs')
      .set({ outcome, target_id: target.id })
      .where('workspace_id', '=', workspaceId)
      .where('action_id', '=', actionId)
      .where('member_id', '=', memberId)
      .where('target_key', '=', key)
      .execute();
  await recordActivities(
    trx,
    [
      {
        workspaceId,
        memberId,
        type: 'called',
        communityId: input.communityId,
        subjectType: 'action',
        subjectId: actionId,
        data: { target: target.name, targetTitle: target.title, district: target.district, outcome, ...input.data },
        occurredAt: now,
      },
    ],
    now,
  );
  await trx
    .updateTable('members')
    .set({ last_active_at: now })
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', memberId)
    .execute();
}

export type CallPageService = ReturnType<typeof createCallPageService>;

export function createCallPageService({ db, clock, appSecret }: { db: Db; clock: Clock; appSecret: string }) {
  // The session token is a member token under a key of its own: it cannot be used as a `gsm` link token.
  const sessionSecret = createHmac('sha256', appSecret).update('groundswell:call-page-session').digest('hex');

  async function findContext(workspaceSlug: string, slug: string): Promise<CallContext | null> {
    if (workspaceSlug.length > 100 || slug.length > 100) return null;
    const action = await findPublicAction(db, workspaceSlug, 'call', slug);
    return action ? { ...action, settings: callSettings(action) } : null;
  }

  async function memberById(ctx: CallContext, memberId: number): Promise<KnownMember | null> {
    const row = await db
      .selectFrom('members')
      .select(['id', 'first_name', 'last_name', 'postal_code', 'sms_consent', 'phone', 'merged_into', 'erased_at'])
      .where('workspace_id', '=', ctx.workspace_id)
      .where('id', '=', memberId)
      .executeTakeFirst();
    if (!row || row.erased_at !== null || row.merged_into !== null) return null;
    return {
      id: row.id,
      firstName: row.first_name,
      lastName: row.last_name,
      postalCode: row.postal_code,
      smsConsent: row.sms_consent,
      phone: row.phone,
    };
  }

  /** The member a tracked link's `gsm` token names, when it belongs to this workspace. */
  async function knownMember(ctx: CallContext, gsm: string): Promise<KnownMember | null> {
    if (!gsm) return null;
    const who = verifyMemberToken(appSecret, gsm, clock.now());
    if (!who || who.workspaceId !== ctx.workspace_id) return null;
    return memberById(ctx, who.memberId);
  }

  async function targetsOf(ctx: CallContext, member: KnownMember, postalCode: string): Promise<TargetView[]> {
    const rows: CallTargetRow[] =
      ctx.settings.targetMode === 'fixed'
        ? await fixedTargetsOf(db, ctx.workspace_id, ctx.id)
        : await officialsFor(db, ctx.workspace_id, await districtsOf(db, ctx.workspace_id, postalCode), ctx.settings.offices);
    const logged = await loggedOutcomes(db, ctx.workspace_id, ctx.id, member.id);
    return rows.map((t) => ({
      id: t.id,
      name: t.name,
      title: t.title,
      office: t.office,
      district: t.district,
      phone: t.phone,
      script: renderScript(ctx.settings.script, {
        member: { first_name: member.firstName ?? '', last_name: member.lastName ?? '', postal_code: postalCode },
        target: { name: t.name, title: t.title, office: t.office, district: t.district },
        workspace: { name: ctx.workspace_name },
      }),
      outcome: logged.get(targetKey(t)) ?? null,
    }));
  }

  const sessionToken = (ctx: CallContext, memberId: number) =>
    memberToken(sessionSecret, { workspaceId: ctx.workspace_id, memberId, issuedAt: clock.now() });

  /** Finds the member by number or creates them; fills what their record lacks, never overwrites. */
  async function findOrCreate(
    ctx: CallContext,
    input: { firstName: string; phone: string; postalCode: string | null; lang: Lang },
    now: number,
  ): Promise<number> {
    const attempt = () =>
      db.transaction().execute(async (trx) => {
        const [existing] = await findLiveMembersByPhones(trx, ctx.workspace_id, [input.phone]);
        if (existing) {
          const row = await trx
            .selectFrom('members')
            .select(['first_name', 'last_name', 'postal_code'])
            .where('workspace_id', '=', ctx.workspace_id)
            .where('id', '=', existing.id)
            .executeTakeFirstOrThrow();
          const fill = {
            ...(row.first_name === null ? { first_name: input.firstName, name_key: nameKeyOf(input.firstName, row.last_name) } : {}),
            ...(row.postal_code === null && input.postalCode ? { postal_code: input.postalCode } : {}),
          };
          await trx
            .updateTable('members')
            .set({ ...fill, last_active_at: now, updated_at: now })
            .where('workspace_id', '=', ctx.workspace_id)
            .where('id', '=', existing.id)
            .execute();
          return existing.id;
        }
        const { value: fields } = normalizeMemberFields(
          { firstName: input.firstName, phone: input.phone, postalCode: input.postalCode, language: input.lang, source: 'call_page' },
          { defaultCountry: ctx.default_country, workspaceTimezone: ctx.workspace_timezone },
        );
        const id = await insertMember(trx, { workspaceId: ctx.workspace_id, fields, at: now });
        await recordActivities(
          trx,
          [
            {
              workspaceId: ctx.workspace_id,
              memberId: id,
              type: 'created',
              data: { source: 'call_page', actionId: ctx.id },
              occurredAt: now,
            },
          ],
          now,
        );
        return id;
      });
    // Two submissions of the same new number at once: the second finds the member the first created.
    return attempt().catch((error: unknown) => {
      if (isUniqueViolation(error)) return attempt();
      throw error;
    });
  }

  /** The form: who the member is (unless known from a link) and their postal code → the people to call. */
  async function identify(
    ctx: CallContext,
    form: {
      known: KnownMember | null;
      firstName: string;
      phone: string;
      postalCode: string;
      consent: boolean;
      wordingFingerprint: string;
      /** The ?ref= share code the page carried, and the source. */
      ref?: string;
      source?: string;
    },
    meta: { lang: Lang; ip: string; userAgent: string | null; sourceUrl: string },
  ): Promise<IdentifyResult> {
    const problems: Partial<Record<CallField, CallProblem>> = {};
    const firstName = form.firstName.trim();
    let phone: string | null = null;
    if (!form.known) {
      if (firstName === '') problems.firstName = { kind: 'required' };
      else if (firstName.length > 80) problems.firstName = { kind: 'too_long', max: 80 };
      const parsed = normalizePhone(form.phone, ctx.default_country);
      if (form.phone.trim() === '') problems.phone = { kind: 'required' };
      else if (!parsed.ok) problems.phone = { kind: 'invalid_phone' };
      else if (parsed.country !== ctx.default_country) problems.phone = { kind: 'other_country', country: ctx.default_country };
      else phone = parsed.e164;
    }
    const byPostalCode = ctx.settings.targetMode === 'postal_code';
    let postalCode: string | null = null;
    if (form.postalCode.trim() !== '') {
      postalCode = normalizePostalCode(form.postalCode, ctx.default_country);
      if (!postalCode) problems.postalCode = { kind: 'invalid_postal_code' };
    } else if (byPostalCode) problems.postalCode = { kind: 'required' };
    const wording = callConsentWording(ctx, meta.lang);
    if (form.consent && form.wordingFingerprint !== callWordingFingerprint(wording)) problems.consent = { kind: 'wording_changed' };
    if (byPostalCode && postalCode && !problems.postalCode) {
      const districts = await districtsOf(db, ctx.workspace_id, postalCode);
      if ((await officialsFor(db, ctx.workspace_id, districts, ctx.settings.offices)).length === 0)
        problems.postalCode = { kind: 'no_targets' };
    }
    if (Object.keys(problems).length > 0) return { kind: 'invalid', problems };

    const now = clock.now();
    const memberId = form.known?.id ?? (await findOrCreate(ctx, { firstName, phone: phone ?? '', postalCode, lang: meta.lang }, now));
    if (form.consent) {
      const current = await db
        .selectFrom('members')
        .select(['phone', 'sms_consent'])
        .where('workspace_id', '=', ctx.workspace_id)
        .where('id', '=', memberId)
        .executeTakeFirstOrThrow();
      if (current.sms_consent !== 'granted' && current.phone) {
        await db.transaction().execute((trx) =>
          appendConsent(trx, appSecret, {
            workspaceId: ctx.workspace_id,
            memberId,
            channel: 'sms',
            status: 'granted',
            method: 'web_form',
            address: current.phone,
            wording,
            sourceUrl: meta.sourceUrl,
            ip: meta.ip,
            userAgent: meta.userAgent,
            at: now,
          }),
        );
      }
    }
    if (form.ref) {
      // Came through another member's share link: credit them (once per member and call action).
      const ref = form.ref;
      await db
        .transaction()
        .execute((trx) =>
          attribute(trx, { workspaceId: ctx.workspace_id, actionId: ctx.id, memberId, ref, source: form.source ?? null, now }),
        );
    }
    const member = await memberById(ctx, memberId);
    if (!member) return { kind: 'invalid', problems: { phone: { kind: 'invalid_phone' } } };
    const code = postalCode ?? member.postalCode ?? '';
    return { kind: 'targets', token: sessionToken(ctx, member.id), member, postalCode: code, targets: await targetsOf(ctx, member, code) };
  }

  async function sessionMember(ctx: CallContext, token: string) {
    const who = verifyMemberToken(sessionSecret, token, clock.now(), SESSION_MAX_AGE_MS);
    if (!who || who.workspaceId !== ctx.workspace_id) return null;
    return memberById(ctx, who.memberId);
  }

  /** A member's report of one call: logged once per person called (a later report changes the outcome). */
  async function logOutcome(
    ctx: CallContext,
    input: { token: string; postalCode: string; targetId: number; outcome: CallOutcome },
  ): Promise<OutcomeResult> {
    const member = await sessionMember(ctx, input.token);
    if (!member) return { kind: 'expired' };
    const postalCode = normalizePostalCode(input.postalCode, ctx.default_country) ?? '';
    const targets = await targetsOf(ctx, member, postalCode);
    const target = targets.find((t) => t.id === input.targetId);
    if (!target) return { kind: 'unknown_target' };
    const now = clock.now();
    await db.transaction().execute((trx) =>
      recordCallOutcome(trx, {
        workspaceId: ctx.workspace_id,
        actionId: ctx.id,
        communityId: ctx.community_id,
        memberId: member.id,
        target,
        outcome: input.outcome,
        now,
      }),
    );
    const after = targets.map((t) => (t.id === target.id ? { ...t, outcome: input.outcome } : t));
    return {
      kind: 'logged',
      target: { ...target, outcome: input.outcome },
      token: input.token,
      member,
      postalCode,
      targets: after,
    };
  }

  /** The action a call page leads to next (ladder of engagement), when it is open. */
  async function nextStep(ctx: CallContext): Promise<Pick<ActionRow, 'type' | 'slug' | 'title'> | null> {
    if (ctx.next_action_id === null) return null;
    const next = await db
      .selectFrom('actions')
      .select(['type', 'slug', 'title'])
      .where('workspace_id', '=', ctx.workspace_id)
      .where('id', '=', ctx.next_action_id)
      .where('status', '=', 'published')
      .executeTakeFirst();
    return next ?? null;
  }

  /** A `gsm` link token naming the member, so the next step's page opens prefilled for them. */
  const linkToken = (ctx: CallContext, memberId: number) =>
    memberToken(appSecret, { workspaceId: ctx.workspace_id, memberId, issuedAt: clock.now() });

  return { findContext, knownMember, identify, logOutcome, nextStep, linkToken, sessionMember, targetsOf, findOrCreate };
}
