import { providerOf } from '../../channels/registry.ts';
import { ProviderError } from '../../channels/sms/contract.ts';
import type { DialResult, VoiceClient, VoiceDocument, VoiceWebhook } from '../../channels/voice/contract.ts';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import type { CallOutcome, PhoneType } from '../../db/schema.ts';
import type { Clock } from '../../lib/clock.ts';
import { normalizePhone } from '../../lib/phone.ts';
import { randomToken, sha256 } from '../../lib/tokens.ts';
import { isUniqueViolation } from '../members/members.repo.ts';
import { type AccountRow, accountConfig, findAccount } from '../messaging/channels.repo.ts';
import {
  type CallContext,
  type CallPageService,
  type CallProblem,
  type Lang,
  recordCallOutcome,
  type Session,
  type TargetView,
} from './call-page.service.ts';
import { type CallPatchRow, findCallPatchByToken, insertCallPatch, placesCalls, recentCallPatches } from './call-patch.repo.ts';
import { normalizePostalCode, targetKey } from './calls.repo.ts';

// Patch-through: on a call action whose organizer turned it on, a member asks "call me and connect me". We check the
// number and the velocity limits, ask the voice provider (Twilio) to call the member, and when they answer, our answer
// webhook says who they are being connected to and dials that person. The dial result webhook records the outcome the
// way a member's own report is recorded (call log, counter, `called` activity), once per call however often the
// provider retries. Webhook URLs carry a random token (stored hashed) and are signed by the provider; both are checked.

/** Calls one address, one number prefix (country + area code + exchange) or one member may ask for in the window. */
export const CALL_ME_VELOCITY = { windowMs: 3_600_000, perIp: 20, perPrefix: 60, perMember: 3 } as const;

export type CallMeResult =
  | { kind: 'expired' }
  | { kind: 'unavailable' }
  | { kind: 'unknown_target' }
  | { kind: 'limited' }
  | ({ kind: 'invalid'; target: TargetView; phone: string; problem: CallProblem } & Session)
  | ({ kind: 'failed'; target: TargetView; reason: { accountId: number; kind: string; code: string | null } } & Session)
  | ({ kind: 'calling'; target: TargetView; from: string } & Session);

export type WebhookAnswer = { status: number; document: VoiceDocument | null };

/** What the member hears, in their language. */
const VOICE_COPY: Record<Lang, { language: string; intro: (i: IntroInput) => string; thanks: (o: CallOutcome) => string }> = {
  en: {
    language: 'en-US',
    intro: (i) =>
      `Hello${i.firstName ? ` ${i.firstName}` : ''}, this is ${i.workspace}. We are connecting you to ${[i.title, i.name].filter(Boolean).join(' ')} about ${i.action}. Please stay on the line.`,
    thanks: (o) =>
      o === 'reached'
        ? 'Thank you for making your voice heard. Goodbye.'
        : o === 'busy'
          ? 'The line is busy. Thank you for trying; you can call again from the page. Goodbye.'
          : 'No one answered. Thank you for trying; you can call again from the page. Goodbye.',
  },
  es: {
    language: 'es-MX',
    intro: (i) =>
      `Hola${i.firstName ? ` ${i.firstName}` : ''}, te llamamos de ${i.workspace}. Te estamos conectando con ${[i.title, i.name].filter(Boolean).join(' ')} sobre ${i.action}. Por favor, no cuelgues.`,
    thanks: (o) =>
      o === 'reached'
        ? 'Gracias por hacer oír tu voz. Adiós.'
        : o === 'busy'
          ? 'La línea está ocupada. Gracias por intentarlo; puedes volver a llamar desde la página. Adiós.'
          : 'Nadie contestó. Gracias por intentarlo; puedes volver a llamar desde la página. Adiós.',
  },
};
type IntroInput = { firstName: string | null; workspace: string; title: string; name: string; action: string };

/** A dial result as a call outcome: a conversation that lasted is "reached"; a busy line "busy"; anything else "no answer". */
export function outcomeOfDial(result: DialResult): CallOutcome {
  if (result.status === 'completed' || result.status === 'answered') return result.durationSeconds > 0 ? 'reached' : 'no_answer';
  return result.status === 'busy' ? 'busy' : 'no_answer';
}

/** First 7 digits of the E.164 number (country code + area code + exchange in North America). */
const phonePrefix = (e164: string) => e164.replace(/^\+/, '').slice(0, 7);

const langOf = (value: string): Lang => (value === 'es' ? 'es' : 'en');

export type CallPatchService = ReturnType<typeof createCallPatchService>;

export function createCallPatchService(deps: {
  db: Db;
  clock: Clock;
  appSecret: string;
  config: Pick<Config, 'publicUrl'>;
  calls: CallPageService;
}) {
  const { db, clock, appSecret, config, calls } = deps;

  const webhookUrl = (token: string, step: 'answer' | 'dial' | 'status') => `${config.publicUrl}/webhooks/voice/${token}/${step}`;

  function voiceOf(account: AccountRow): VoiceClient | null {
    const provider = providerOf(account.provider);
    if (provider?.channel !== 'sms' || !provider.voice) return null;
    return provider.voice(accountConfig(appSecret, account));
  }

  /** The account and number that place this action's calls, when patch-through is on and the account usable. */
  async function lineOf(ctx: CallContext): Promise<{ account: AccountRow; from: string } | null> {
    const setting = ctx.settings.patchThrough;
    if (!setting) return null;
    const account = await findAccount(db, ctx.workspace_id, setting.accountId);
    if (account?.status !== 'active' || !placesCalls(account.provider)) return null;
    return { account, from: setting.from };
  }

  /** Whether the page offers "call me and connect me". */
  async function available(ctx: CallContext): Promise<boolean> {
    return (await lineOf(ctx)) !== null;
  }

  /** The member the call goes to: whoever has the number, else the session's member when they have none, else a new one. */
  async function memberFor(
    ctx: CallContext,
    session: Session,
    { phone, type }: { phone: string; type: PhoneType },
    lang: Lang,
  ): Promise<number> {
    if (session.member.phone === phone) return session.member.id;
    if (session.member.phone === null) {
      const now = clock.now();
      try {
        const filled = await db
          .updateTable('members')
          .set({ phone, phone_type: type, updated_at: now, last_active_at: now })
          .where('workspace_id', '=', ctx.workspace_id)
          .where('id', '=', session.member.id)
          .where('phone', 'is', null)
          .where(({ not, exists, selectFrom }) =>
            not(
              exists(
                selectFrom('members as other')
                  .select('other.id')
                  .where('other.workspace_id', '=', ctx.workspace_id)
                  .where('other.phone', '=', phone),
              ),
            ),
          )
          .executeTakeFirst();
        if (Number(filled.numUpdatedRows) === 1) return session.member.id;
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
    return calls.findOrCreate(
      ctx,
      { firstName: session.member.firstName ?? '', phone, postalCode: session.postalCode || null, lang },
      clock.now(),
    );
  }

  /** The form beside a person to call: check, limit, find the member, and ask the provider to call them. */
  async function requestCall(
    ctx: CallContext,
    input: { token: string; postalCode: string; targetId: number; phone: string },
    meta: { lang: Lang; ip: string },
  ): Promise<CallMeResult> {
    const member = await calls.sessionMember(ctx, input.token);
    if (!member) return { kind: 'expired' };
    const line = await lineOf(ctx);
    if (!line) return { kind: 'unavailable' };
    const voice = voiceOf(line.account);
    if (!voice) return { kind: 'unavailable' };
    const postalCode = normalizePostalCode(input.postalCode, ctx.default_country) ?? '';
    const targets = await calls.targetsOf(ctx, member, postalCode);
    const target = targets.find((t) => t.id === input.targetId);
    if (!target) return { kind: 'unknown_target' };
    const session: Session = { token: input.token, member, postalCode, targets };

    const parsed = normalizePhone(input.phone, ctx.default_country);
    let problem: CallProblem | null = null;
    if (input.phone.trim() === '') problem = { kind: 'required' };
    else if (!parsed.ok) problem = { kind: 'invalid_phone' };
    else if (parsed.country !== ctx.default_country) problem = { kind: 'other_country', country: ctx.default_country };
    else if (parsed.type === 'landline') problem = { kind: 'landline' };
    if (problem || !parsed.ok)
      return { kind: 'invalid', target, phone: input.phone, problem: problem ?? { kind: 'invalid_phone' }, ...session };
    const phone = parsed.e164;

    const now = clock.now();
    const since = now - CALL_ME_VELOCITY.windowMs;
    const ws = ctx.workspace_id;
    const prefix = phonePrefix(phone);
    if ((await recentCallPatches(db, ws, 'ip', meta.ip, since)) >= CALL_ME_VELOCITY.perIp) return { kind: 'limited' };
    if ((await recentCallPatches(db, ws, 'phone_prefix', prefix, since)) >= CALL_ME_VELOCITY.perPrefix) return { kind: 'limited' };
    const memberId = await memberFor(ctx, session, { phone, type: parsed.type }, meta.lang);
    if ((await recentCallPatches(db, ws, 'member_id', memberId, since)) >= CALL_ME_VELOCITY.perMember) return { kind: 'limited' };

    // The request is written before the provider is asked, so its webhooks (which may overtake the answer) find it.
    const token = randomToken();
    const id = await insertCallPatch(db, {
      workspace_id: ws,
      action_id: ctx.id,
      member_id: memberId,
      channel_account_id: line.account.id,
      token_hash: sha256(token),
      target_id: target.id,
      target_name: target.name,
      target_title: target.title,
      target_district: target.district,
      target_phone: target.phone,
      target_key: targetKey(target),
      from_number: line.from,
      lang: meta.lang,
      provider_call_id: null,
      error: null,
      answered_at: null,
      dial_status: null,
      dial_duration: null,
      outcome: null,
      call_status: null,
      ended_at: null,
      ip: meta.ip,
      phone_prefix: prefix,
      created_at: now,
    });
    try {
      const placed = await voice.placeCall({
        to: phone,
        from: line.from,
        answerUrl: webhookUrl(token, 'answer'),
        statusUrl: webhookUrl(token, 'status'),
      });
      await db
        .updateTable('call_patches')
        .set({ provider_call_id: placed.callId })
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .where('provider_call_id', 'is', null)
        .execute();
    } catch (error) {
      if (!(error instanceof ProviderError)) throw error;
      await db
        .updateTable('call_patches')
        .set({ error: error.code ? `${error.kind}:${error.code}` : error.kind })
        .where('workspace_id', '=', ws)
        .where('id', '=', id)
        .execute();
      return { kind: 'failed', target, reason: { accountId: line.account.id, kind: error.kind, code: error.code }, ...session };
    }
    return { kind: 'calling', target, from: line.from, ...session };
  }

  // ── Webhooks ──────────────────────────────────────────────────────────

  /** The call a webhook's token names, and its account's voice client, when the provider's signature holds. */
  async function verified(
    token: string,
    request: VoiceWebhook,
  ): Promise<{ kind: 'ok'; row: CallPatchRow; voice: VoiceClient; lang: Lang } | { kind: 'not_found' } | { kind: 'forbidden' }> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return { kind: 'not_found' };
    const row = await findCallPatchByToken(db, sha256(token));
    if (!row || row.channel_account_id === null) return { kind: 'not_found' };
    const account = await findAccount(db, row.workspace_id, row.channel_account_id);
    const voice = account ? voiceOf(account) : null;
    if (!voice) return { kind: 'not_found' };
    if (!voice.verifyWebhook(request)) return { kind: 'forbidden' };
    return { kind: 'ok', row, voice, lang: langOf(row.lang) };
  }

  const refused = (kind: 'not_found' | 'forbidden'): WebhookAnswer => ({ status: kind === 'forbidden' ? 403 : 404, document: null });

  /** The member answered: say who they are being connected to, and dial that person. */
  async function answer(token: string, request: VoiceWebhook): Promise<WebhookAnswer> {
    const found = await verified(token, request);
    if (found.kind !== 'ok') return refused(found.kind);
    const { row, voice, lang } = found;
    const callSid = request.form.CallSid || null;
    await db
      .updateTable('call_patches')
      .set((eb) => ({
        answered_at: eb.fn.coalesce('answered_at', eb.val(clock.now())),
        provider_call_id: eb.fn.coalesce('provider_call_id', eb.val(callSid)),
      }))
      .where('workspace_id', '=', row.workspace_id)
      .where('id', '=', row.id)
      .execute();
    const about = await db
      .selectFrom('actions as a')
      .innerJoin('workspaces as w', 'w.id', 'a.workspace_id')
      .innerJoin('members as m', (join) => join.onRef('m.workspace_id', '=', 'a.workspace_id').on('m.id', '=', row.member_id))
      .select(['a.title', 'w.name as workspace', 'm.first_name'])
      .where('a.workspace_id', '=', row.workspace_id)
      .where('a.id', '=', row.action_id)
      .executeTakeFirst();
    const copy = VOICE_COPY[lang];
    const say = copy.intro({
      firstName: about?.first_name ?? null,
      workspace: about?.workspace ?? '',
      title: row.target_title,
      name: row.target_name,
      action: about?.title ?? '',
    });
    return {
      status: 200,
      document: voice.connect({
        say,
        language: copy.language,
        number: row.target_phone,
        callerId: row.from_number,
        resultUrl: webhookUrl(token, 'dial'),
      }),
    };
  }

  /** The person called answered, was busy or did not answer: the outcome, recorded once per call. */
  async function dialResult(token: string, request: VoiceWebhook): Promise<WebhookAnswer & { recorded: boolean }> {
    const found = await verified(token, request);
    if (found.kind !== 'ok') return { ...refused(found.kind), recorded: false };
    const { row, voice, lang } = found;
    const result = voice.parseDialResult(request);
    const copy = VOICE_COPY[lang];
    if (!result) return { status: 400, document: null, recorded: false };
    const outcome = outcomeOfDial(result);
    const now = clock.now();
    const recorded = await db.transaction().execute(async (trx) => {
      const claimed = await trx
        .updateTable('call_patches')
        .set({ dial_status: result.status, dial_duration: result.durationSeconds, outcome })
        .where('workspace_id', '=', row.workspace_id)
        .where('id', '=', row.id)
        .where('outcome', 'is', null)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return false;
      const action = await trx
        .selectFrom('actions')
        .select('community_id')
        .where('workspace_id', '=', row.workspace_id)
        .where('id', '=', row.action_id)
        .executeTakeFirst();
      await recordCallOutcome(trx, {
        workspaceId: row.workspace_id,
        actionId: row.action_id,
        communityId: action?.community_id ?? null,
        memberId: row.member_id,
        target: {
          id: row.target_id,
          name: row.target_name,
          title: row.target_title,
          district: row.target_district,
          phone: row.target_phone,
        },
        outcome,
        now,
        data: { via: 'patch_through', durationSeconds: result.durationSeconds },
      });
      return true;
    });
    return { status: 200, document: voice.goodbye({ say: copy.thanks(outcome), language: copy.language }), recorded };
  }

  /** The member's call has ended (or never connected: busy, no answer). */
  async function callEnded(token: string, request: VoiceWebhook): Promise<WebhookAnswer> {
    const found = await verified(token, request);
    if (found.kind !== 'ok') return refused(found.kind);
    const end = found.voice.parseCallEnd(request);
    if (end) {
      await db
        .updateTable('call_patches')
        .set({ call_status: end.status, ended_at: clock.now() })
        .where('workspace_id', '=', found.row.workspace_id)
        .where('id', '=', found.row.id)
        .where('ended_at', 'is', null)
        .execute();
    }
    return { status: 200, document: null };
  }

  return { available, requestCall, answer, dialResult, callEnded };
}
