import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import type { Database, RsvpStatus } from '../../db/schema.ts';
import type { Clock } from '../../lib/clock.ts';
import { normalizePhone } from '../../lib/phone.ts';
import { sha256 } from '../../lib/tokens.ts';
import { type ActionRow, actionPath, bumpTaken, findActionPage } from '../actions/actions.repo.ts';
import { recordActivities } from '../activities/activities.repo.ts';
import { memberToken, verifyMemberToken } from '../links/member-token.ts';
import { appendConsent } from '../members/consent.repo.ts';
import { nameKeyOf, normalizeMemberFields } from '../members/member-fields.ts';
import { findLiveMembersByPhones, insertMember, isUniqueViolation } from '../members/members.repo.ts';
import { attribute } from '../referrals/referrals.repo.ts';
import { confirmationText, promotedText, textLang } from './event-texts.ts';
import {
  cancelQueuedReminders,
  type EventSettings,
  moveRsvp,
  readSettings,
  recordAttended,
  type ShiftRow,
  shiftsOf,
  takeSeats,
  textMember,
} from './events.repo.ts';
import { MAX_GUESTS } from './events.schema.ts';

// What members do on an event's public page (server/pages/event.routes.ts renders it): RSVP to one or more shifts
// (found or created by phone; SMS consent only when ticked, with the exact words), a confirmation text, their own
// page to cancel, and self check-in at the door with the code shown there.

export type Lang = 'en' | 'es';

/** How long the link in a confirmation keeps working (the member's page: calendar, cancel). */
export const RSVP_LINK_MAX_AGE_MS = 180 * 24 * 3_600_000;
/** Self check-in opens this long before a shift and closes this long after it. */
export const CHECKIN_MARGIN_MS = 2 * 3_600_000;
/** New RSVPs per hour from one address, and per number prefix, before the page refuses more (SMS pumping). */
export const RSVP_VELOCITY = { windowMs: 3_600_000, perIp: 20, perPrefix: 30 } as const;

export type EventContext = {
  workspace: { id: number; name: string; slug: string; timezone: string; defaultCountry: string };
  action: ActionRow;
  settings: EventSettings;
  shifts: ShiftRow[];
};

export type RsvpField = 'firstName' | 'phone' | 'email' | 'shifts' | 'friendPhone' | 'consent';
export type RsvpProblem =
  | { kind: 'required' }
  | { kind: 'too_long'; max: number }
  | { kind: 'invalid_phone' }
  | { kind: 'landline' }
  | { kind: 'other_country'; country: string }
  | { kind: 'invalid_email' }
  | { kind: 'choose_shift' }
  | { kind: 'full'; shiftId: number }
  | { kind: 'wording_changed' };

export type RsvpForm = {
  firstName: string;
  phone: string;
  email: string;
  consent: boolean;
  wordingFingerprint: string;
  shiftIds: number[];
  guests: number;
  friendName: string;
  friendPhone: string;
  honeypot: string;
  ref: string;
  source: string;
};

export type RequestMeta = { lang: Lang; ip: string; userAgent: string | null; sourceUrl: string };

export type RsvpDone = {
  kind: 'done';
  firstName: string | null;
  shifts: { shift: ShiftRow; status: 'going' | 'waitlisted'; already: boolean }[];
  /** Names the member on their own page for the event (calendar links, cancel). */
  token: string;
  texted: boolean;
};
export type RsvpResult =
  | RsvpDone
  | { kind: 'invalid'; problems: Partial<Record<RsvpField, RsvpProblem>> }
  | { kind: 'limited' }
  | { kind: 'closed' };

const DEFAULT_WORDING: Record<Lang, (workspace: string) => string> = {
  en: (w) =>
    `Yes, text me about this event and other actions from ${w}. Msg & data rates may apply. Reply STOP to opt out, HELP for help. Not required to RSVP.`,
  es: (w) =>
    `Sí, envíenme mensajes de texto sobre este evento y otras acciones de ${w}. Pueden aplicarse tarifas de mensajes y datos. Responde STOP para darte de baja o HELP para obtener ayuda. No es obligatorio para confirmar.`,
};

/** The exact consent sentence beside the checkbox, recorded in the ledger when ticked. */
export const eventConsentWording = (ctx: EventContext, lang: Lang) =>
  ctx.action.consent_wording ?? DEFAULT_WORDING[lang](ctx.workspace.name);
export const wordingFingerprint = (wording: string) => sha256(wording).slice(0, 16);

const emailSchema = z.email();
const phonePrefix = (e164: string) => e164.replace(/^\+/, '').slice(0, 7);

class FullShift extends Error {
  readonly shiftId: number;
  constructor(shiftId: number) {
    super('shift full');
    this.shiftId = shiftId;
  }
}

type Deps = { db: Db; clock: Clock; appSecret: string; config: Pick<Config, 'publicUrl'> };

export type RsvpService = ReturnType<typeof createRsvpService>;

export function createRsvpService({ db, clock, appSecret, config }: Deps) {
  async function findContext(workspaceSlug: string, slug: string): Promise<EventContext | null> {
    const page = await findActionPage(db, workspaceSlug, 'event', slug);
    if (!page) return null;
    const { action, workspace } = page;
    const settings = readSettings(action.settings, workspace.timezone);
    if (settings.approval !== 'approved') return null;
    return {
      workspace,
      action,
      settings,
      shifts: await shiftsOf(db, action.workspace_id, [action.id]),
    };
  }

  /** The member's own page for the event: its address with their token (and the language when not English). */
  function memberPageUrl(ctx: EventContext, memberId: number, lang: Lang, now: number) {
    const token = memberToken(appSecret, { workspaceId: ctx.workspace.id, memberId, issuedAt: now });
    return {
      token,
      url: `${config.publicUrl}${actionPath(ctx.workspace.slug, ctx.action)}/rsvp?t=${token}${lang === 'es' ? '&lang=es' : ''}`,
    };
  }

  /** What we know of a member who arrived from a tracked text link (?gsm=), to prefill the form. */
  async function prefill(ctx: EventContext, token: string, maxAgeMs?: number) {
    const found = verifyMemberToken(appSecret, token, clock.now(), maxAgeMs);
    if (!found || found.workspaceId !== ctx.workspace.id) return null;
    const member = await db
      .selectFrom('members')
      .select(['id', 'first_name', 'phone', 'email', 'sms_consent'])
      .where('workspace_id', '=', ctx.workspace.id)
      .where('id', '=', found.memberId)
      .where('merged_into', 'is', null)
      .where('erased_at', 'is', null)
      .executeTakeFirst();
    if (!member) return null;
    return {
      memberId: member.id,
      firstName: member.first_name ?? '',
      phone: member.phone ?? '',
      email: member.email ?? '',
      hasConsent: member.sms_consent === 'granted',
    };
  }

  function validate(ctx: EventContext, form: RsvpForm, lang: Lang) {
    const problems: Partial<Record<RsvpField, RsvpProblem>> = {};
    const firstName = form.firstName.trim();
    if (firstName === '') problems.firstName = { kind: 'required' };
    else if (firstName.length > 80) problems.firstName = { kind: 'too_long', max: 80 };

    const phoneOf = (raw: string, field: 'phone' | 'friendPhone') => {
      const parsed = normalizePhone(raw, ctx.workspace.defaultCountry);
      if (!parsed.ok) problems[field] = { kind: 'invalid_phone' };
      else if (parsed.country !== ctx.workspace.defaultCountry)
        problems[field] = { kind: 'other_country', country: ctx.workspace.defaultCountry };
      else if (field === 'phone' && parsed.type === 'landline') problems[field] = { kind: 'landline' };
      else return parsed.e164;
      return null;
    };
    let phone: string | null = null;
    if (form.phone.trim() === '') problems.phone = { kind: 'required' };
    else phone = phoneOf(form.phone, 'phone');

    const email = form.email.trim().toLowerCase();
    if (email !== '' && (email.length > 254 || !emailSchema.safeParse(email).success)) problems.email = { kind: 'invalid_email' };

    const open = new Set(ctx.shifts.filter((s) => s.ends_at > clock.now()).map((s) => s.id));
    const shiftIds = [...new Set(form.shiftIds)].filter((id) => open.has(id));
    if (shiftIds.length === 0) problems.shifts = { kind: 'choose_shift' };

    const friendName = form.friendName.trim().slice(0, 80);
    const friendPhone = form.friendPhone.trim() === '' ? null : phoneOf(form.friendPhone, 'friendPhone');
    if (form.consent && form.wordingFingerprint !== wordingFingerprint(eventConsentWording(ctx, lang))) {
      problems.consent = { kind: 'wording_changed' };
    }
    return {
      problems,
      value: {
        firstName,
        phone,
        email: email || null,
        shiftIds,
        guests: Math.max(0, Math.min(MAX_GUESTS, Math.trunc(form.guests) || 0)),
        friendName: friendName || null,
        friendPhone,
      },
    };
  }

  async function limitReached(workspaceId: number, ip: string, prefix: string, now: number) {
    const since = now - RSVP_VELOCITY.windowMs;
    const count = async (column: 'ip' | 'phone_prefix', value: string) => {
      const row = await db
        .selectFrom('event_rsvps')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('workspace_id', '=', workspaceId)
        .where('created_at', '>', since)
        .where(column, '=', value)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    };
    return (await count('ip', ip)) >= RSVP_VELOCITY.perIp || (await count('phone_prefix', prefix)) >= RSVP_VELOCITY.perPrefix;
  }

  /** The member with this number, found or created (filling what their record lacks, never overwriting it). */
  async function memberFor(
    trx: Transaction<Database>,
    ctx: EventContext,
    value: { firstName: string; phone: string; email: string | null },
    lang: Lang,
    now: number,
  ) {
    const [existing] = await findLiveMembersByPhones(trx, ctx.workspace.id, [value.phone]);
    if (existing) {
      const fill = {
        ...(existing.first_name === null ? { first_name: value.firstName, name_key: nameKeyOf(value.firstName, existing.last_name) } : {}),
        ...(existing.email === null && value.email ? { email: value.email } : {}),
      };
      await trx
        .updateTable('members')
        .set({ ...fill, last_active_at: now, updated_at: now })
        .where('workspace_id', '=', ctx.workspace.id)
        .where('id', '=', existing.id)
        .execute();
      return existing.id;
    }
    const { value: fields } = normalizeMemberFields(
      { firstName: value.firstName, phone: value.phone, email: value.email, language: lang, source: 'event_page' },
      { defaultCountry: ctx.workspace.defaultCountry, workspaceTimezone: ctx.workspace.timezone },
    );
    const id = await insertMember(trx, { workspaceId: ctx.workspace.id, fields, at: now });
    await recordActivities(
      trx,
      [
        {
          workspaceId: ctx.workspace.id,
          memberId: id,
          type: 'created',
          communityId: ctx.action.community_id,
          data: { source: 'event_page' },
          occurredAt: now,
        },
      ],
      now,
    );
    return id;
  }

  function textFacts(ctx: EventContext, shift: ShiftRow, url: string) {
    const place = [ctx.settings.location, ctx.settings.address].filter(Boolean).join(', ');
    return {
      workspace: ctx.workspace.name,
      title: ctx.action.title,
      startsAt: shift.starts_at,
      timezone: ctx.settings.timezone,
      place: ctx.settings.format === 'in_person' && place ? place : null,
      joinUrl: ctx.settings.format === 'virtual' && ctx.settings.joinUrl ? ctx.settings.joinUrl : null,
      url,
    };
  }

  async function rsvp(ctx: EventContext, form: RsvpForm, meta: RequestMeta): Promise<RsvpResult | { kind: 'honeypot' }> {
    if (form.honeypot.trim() !== '') return { kind: 'honeypot' };
    if (ctx.action.status !== 'published') return { kind: 'closed' };
    const { problems, value } = validate(ctx, form, meta.lang);
    if (Object.keys(problems).length > 0 || value.phone === null) return { kind: 'invalid', problems };
    const phone = value.phone;
    const now = clock.now();
    if (await limitReached(ctx.workspace.id, meta.ip, phonePrefix(phone), now)) return { kind: 'limited' };
    const wording = eventConsentWording(ctx, meta.lang);

    const attempt = () =>
      db.transaction().execute(async (trx) => {
        const memberId = await memberFor(trx, ctx, { firstName: value.firstName, phone, email: value.email }, meta.lang, now);
        const member = await trx
          .selectFrom('members')
          .select(['first_name', 'sms_consent', 'language'])
          .where('id', '=', memberId)
          .executeTakeFirstOrThrow();
        let consent = member.sms_consent;
        if (form.consent && consent !== 'granted') {
          await appendConsent(trx, appSecret, {
            workspaceId: ctx.workspace.id,
            memberId,
            channel: 'sms',
            status: 'granted',
            method: 'web_form',
            address: phone,
            wording,
            sourceUrl: meta.sourceUrl,
            ip: meta.ip,
            userAgent: meta.userAgent,
            at: now,
          });
          consent = 'granted';
        }
        const results: RsvpDone['shifts'] = [];
        let created = 0;
        for (const shiftId of value.shiftIds) {
          const shift = ctx.shifts.find((s) => s.id === shiftId);
          if (!shift) continue;
          const existing = await trx
            .selectFrom('event_rsvps')
            .selectAll()
            .where('shift_id', '=', shiftId)
            .where('member_id', '=', memberId)
            .executeTakeFirst();
          if (existing && existing.status !== 'cancelled' && existing.status !== 'no_show') {
            results.push({ shift, status: existing.status === 'waitlisted' ? 'waitlisted' : 'going', already: true });
            continue;
          }
          const guests = value.guests;
          const seated = await takeSeats(trx, shiftId, 1 + guests, now);
          if (!seated && shift.waitlist !== 1) throw new FullShift(shiftId);
          const status: RsvpStatus = seated ? 'going' : 'waitlisted';
          const details = { guests, friend_name: value.friendName, friend_phone: value.friendPhone, ref: form.ref.slice(0, 60) || null };
          if (existing) {
            await trx
              .updateTable('event_rsvps')
              .set({ ...details, updated_at: now })
              .where('id', '=', existing.id)
              .execute();
            await moveRsvp(trx, { ...existing, guests }, status, now, { seatsTaken: seated });
          } else {
            await trx
              .insertInto('event_rsvps')
              .values({
                workspace_id: ctx.workspace.id,
                action_id: ctx.action.id,
                shift_id: shiftId,
                member_id: memberId,
                status,
                ...details,
                source: form.source.slice(0, 60) || 'event_page',
                ip: meta.ip,
                phone_prefix: phonePrefix(phone),
                checked_in_at: null,
                checkin_method: null,
                day_reminder_at: null,
                day_reminder_message_id: null,
                hour_reminder_at: null,
                hour_reminder_message_id: null,
                feedback_at: null,
                feedback_message_id: null,
                created_at: now,
                updated_at: now,
              })
              .execute();
            if (status === 'waitlisted') {
              await trx
                .updateTable('event_shifts')
                .set((eb) => ({ waitlist_count: eb('waitlist_count', '+', 1) }))
                .where('id', '=', shiftId)
                .execute();
            }
            created += 1;
          }
          await recordActivities(
            trx,
            [
              {
                workspaceId: ctx.workspace.id,
                memberId,
                type: 'rsvped',
                communityId: ctx.action.community_id,
                subjectType: 'event',
                subjectId: ctx.action.id,
                data: { shiftId, status, guests, ...(form.ref ? { ref: form.ref.slice(0, 60) } : {}) },
                occurredAt: now,
              },
            ],
            now,
          );
          results.push({ shift, status, already: false });
        }
        if (created > 0) await bumpTaken(trx, ctx.workspace.id, ctx.action.id, created, now);
        // Came through another member's share link (?ref=): credit them (once per member and event).
        if (results.some((r) => !r.already)) {
          await attribute(trx, {
            workspaceId: ctx.workspace.id,
            actionId: ctx.action.id,
            memberId,
            ref: form.ref,
            source: form.source,
            now,
          });
        }

        const page = memberPageUrl(ctx, memberId, meta.lang, now);
        const fresh = results.find((r) => !r.already);
        let texted = false;
        if (fresh && consent === 'granted') {
          const lang = textLang(member.language);
          const id = await textMember(trx, {
            workspaceId: ctx.workspace.id,
            memberId,
            phone,
            language: member.language,
            body: confirmationText(textFacts(ctx, fresh.shift, memberPageUrl(ctx, memberId, lang, now).url), fresh.status, lang),
            now,
          });
          texted = id !== null;
        }
        return { kind: 'done' as const, firstName: member.first_name, shifts: results, token: page.token, texted };
      });

    try {
      return await attempt().catch(async (error: unknown) => {
        // Two submissions of the same new number at once: the second finds the member the first created.
        if (isUniqueViolation(error)) return attempt();
        throw error;
      });
    } catch (error) {
      if (error instanceof FullShift) return { kind: 'invalid', problems: { shifts: { kind: 'full', shiftId: error.shiftId } } };
      throw error;
    }
  }

  /** The member's RSVPs to this event (their page, reached from the confirmation). */
  async function myRsvps(ctx: EventContext, token: string) {
    const member = await prefill(ctx, token, RSVP_LINK_MAX_AGE_MS);
    if (!member) return null;
    const rows = await db
      .selectFrom('event_rsvps')
      .select(['shift_id', 'status'])
      .where('workspace_id', '=', ctx.workspace.id)
      .where('action_id', '=', ctx.action.id)
      .where('member_id', '=', member.memberId)
      .execute();
    const shifts = ctx.shifts.flatMap((shift) => {
      const row = rows.find((r) => r.shift_id === shift.id);
      return row ? [{ shift, status: row.status }] : [];
    });
    return { firstName: member.firstName || null, shifts };
  }

  /** Gives the first people waiting the seats a cancellation freed, in the order they asked, and tells them. */
  async function promoteWaitlist(trx: Transaction<Database>, ctx: EventContext, shift: ShiftRow, now: number) {
    for (;;) {
      const next = await trx
        .selectFrom('event_rsvps as r')
        .innerJoin('members as m', 'm.id', 'r.member_id')
        .selectAll('r')
        .select(['m.phone', 'm.language', 'm.sms_consent'])
        .where('r.shift_id', '=', shift.id)
        .where('r.status', '=', 'waitlisted')
        .orderBy('r.id')
        .limit(1)
        .executeTakeFirst();
      if (!next || !(await takeSeats(trx, shift.id, 1 + next.guests, now))) return;
      await moveRsvp(trx, next, 'going', now, { seatsTaken: true });
      if (next.phone && next.sms_consent === 'granted') {
        const lang = textLang(next.language);
        await textMember(trx, {
          workspaceId: ctx.workspace.id,
          memberId: next.member_id,
          phone: next.phone,
          language: next.language,
          body: promotedText(textFacts(ctx, shift, memberPageUrl(ctx, next.member_id, lang, now).url), lang),
          now,
        });
      }
    }
  }

  async function cancel(ctx: EventContext, token: string, shiftId: number): Promise<'cancelled' | 'expired' | 'not_found'> {
    const member = await prefill(ctx, token, RSVP_LINK_MAX_AGE_MS);
    if (!member) return 'expired';
    const shift = ctx.shifts.find((s) => s.id === shiftId);
    if (!shift) return 'not_found';
    const now = clock.now();
    return db.transaction().execute(async (trx) => {
      const rsvp = await trx
        .selectFrom('event_rsvps')
        .selectAll()
        .where('workspace_id', '=', ctx.workspace.id)
        .where('shift_id', '=', shiftId)
        .where('member_id', '=', member.memberId)
        .executeTakeFirst();
      if (!rsvp) return 'not_found';
      if (rsvp.status === 'cancelled') return 'cancelled';
      if (rsvp.status !== 'going' && rsvp.status !== 'waitlisted') return 'not_found';
      await moveRsvp(trx, rsvp, 'cancelled', now);
      await cancelQueuedReminders(trx, rsvp, now);
      if (rsvp.status === 'going') await promoteWaitlist(trx, ctx, shift, now);
      return 'cancelled';
    });
  }

  type CheckInResult =
    | { kind: 'checked_in'; firstName: string | null; shift: ShiftRow; already: boolean }
    | { kind: 'wrong_code' }
    | { kind: 'no_rsvp' }
    | { kind: 'invalid_phone' };

  /** Self check-in at the door: the member's number and the code shown there (of a shift happening about now). */
  async function selfCheckIn(ctx: EventContext, input: { phone: string; code: string }): Promise<CheckInResult> {
    const now = clock.now();
    const code = input.code.replace(/\D/g, '');
    const shifts = ctx.shifts.filter(
      (s) => s.checkin_code === code && s.starts_at - CHECKIN_MARGIN_MS <= now && now <= s.ends_at + CHECKIN_MARGIN_MS,
    );
    if (shifts.length === 0) return { kind: 'wrong_code' };
    const parsed = normalizePhone(input.phone, ctx.workspace.defaultCountry);
    if (!parsed.ok) return { kind: 'invalid_phone' };
    const [member] = await findLiveMembersByPhones(db, ctx.workspace.id, [parsed.e164]);
    if (!member) return { kind: 'no_rsvp' };
    return db.transaction().execute(async (trx): Promise<CheckInResult> => {
      const rows = await trx
        .selectFrom('event_rsvps')
        .selectAll()
        .where('workspace_id', '=', ctx.workspace.id)
        .where('member_id', '=', member.id)
        .where(
          'shift_id',
          'in',
          shifts.map((s) => s.id),
        )
        .where('status', 'in', ['going', 'waitlisted', 'attended', 'no_show'])
        .execute();
      const rsvp = rows[0];
      const shift = shifts.find((s) => s.id === rsvp?.shift_id);
      if (!rsvp || !shift) return { kind: 'no_rsvp' };
      if (rsvp.status === 'attended') return { kind: 'checked_in', firstName: member.first_name, shift, already: true };
      await moveRsvp(trx, rsvp, 'attended', now, { checkin: 'self' });
      await recordAttended(trx, {
        workspaceId: ctx.workspace.id,
        memberId: member.id,
        actionId: ctx.action.id,
        communityId: ctx.action.community_id,
        shiftId: shift.id,
        method: 'self',
        now,
      });
      return { kind: 'checked_in', firstName: member.first_name, shift, already: false };
    });
  }

  /** The action an RSVP leads to next (ladder of engagement), when it is published. */
  async function nextStep(ctx: EventContext): Promise<Pick<ActionRow, 'type' | 'slug' | 'title' | 'summary'> | null> {
    if (ctx.action.next_action_id === null) return null;
    const next = await db
      .selectFrom('actions')
      .select(['type', 'slug', 'title', 'summary'])
      .where('workspace_id', '=', ctx.workspace.id)
      .where('id', '=', ctx.action.next_action_id)
      .where('status', '=', 'published')
      .executeTakeFirst();
    return next ?? null;
  }

  return { findContext, prefill, rsvp, myRsvps, cancel, selfCheckIn, nextStep };
}
