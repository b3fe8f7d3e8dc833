import type { Transaction } from 'kysely';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { z } from 'zod';
import type { Db } from '../../db/database.ts';
import type { Database, PhoneType } from '../../db/schema.ts';
import type { Clock } from '../../lib/clock.ts';
import { normalizePhone } from '../../lib/phone.ts';
import { randomToken, sha256 } from '../../lib/tokens.ts';
import { type ActionRow, bumpTaken, findActionPage } from '../actions/actions.repo.ts';
import { recordActivities } from '../activities/activities.repo.ts';
import type { FieldProblem, Lang } from '../communities/join.service.ts';
import { verifyMemberToken } from '../links/member-token.ts';
import { appendConsent } from '../members/consent.repo.ts';
import { fixNameCase, nameKeyOf, normalizeMemberFields } from '../members/member-fields.ts';
import { findLiveMembersByEmails, findLiveMembersByPhones, findMember, insertMember, isUniqueViolation } from '../members/members.repo.ts';
import { queueReply } from '../messaging/outbox.ts';
import { withoutMetadata } from './photo-metadata.ts';
import {
  approvedStories,
  type PhotoType,
  photoOf,
  photoTypeOf,
  recentSubmissions,
  type StorySettings,
  settingsOf,
} from './stories.repo.ts';

// Telling a story on a story action's public page (server/pages/story.routes.ts renders it). The teller is found or
// created by phone or email; the story is stored pending with the exact consent-to-publish words, and only a
// moderator's approval makes it (and its photo) public. SMS consent is separate and only when ticked, recorded with the
// exact words shown. Limits per address and per number prefix keep bots from flooding the queue or pumping texts.

export const STORY_VELOCITY = { windowMs: 3_600_000, perIp: 10, perPrefix: 30 } as const;
export const MAX_STORY = 3_000;
export const MAX_PHOTO_BYTES = 3 * 1024 * 1024;

export type StoryField = 'story' | 'photo' | 'firstName' | 'city' | 'email' | 'phone' | 'publish' | 'consent';
export type StoryProblem =
  | FieldProblem
  | { kind: 'contact_required' }
  | { kind: 'consent_needs_phone' }
  | { kind: 'publish_required' }
  | { kind: 'photo_type' }
  | { kind: 'photo_too_large' };

export type StoryContext = {
  action: ActionRow;
  settings: StorySettings;
  workspace: { id: number; name: string; slug: string; defaultCountry: string; timezone: string };
};

export type Photo = { bytes: Buffer; tooLarge: boolean } | null;

export type StoryForm = {
  story: string;
  firstName: string;
  city: string;
  email: string;
  phone: string;
  display: 'name' | 'anonymous';
  publish: boolean;
  consent: boolean;
  /** Fingerprints of the SMS consent and the consent-to-publish sentences the page showed. */
  wordingFingerprint: string;
  publishFingerprint: string;
  honeypot: string;
  source: string;
};

export type StoryMeta = { lang: Lang; ip: string; userAgent: string | null; sourceUrl: string };

export type SubmitResult =
  | { kind: 'submitted'; firstName: string | null }
  | { kind: 'invalid'; problems: Partial<Record<StoryField, StoryProblem>> }
  | { kind: 'limited' }
  | { kind: 'closed' };

export type Prefill = { firstName: string; city: string; email: string; phone: string };

const DEFAULT_SMS_WORDING: Record<Lang, (workspace: string) => string> = {
  en: (w) =>
    `I agree to receive recurring texts from ${w} about this campaign and related actions. Msg & data rates may apply. Reply STOP to opt out, HELP for help. Consent is not a condition of sharing my story.`,
  es: (w) =>
    `Acepto recibir mensajes de texto recurrentes de ${w} sobre esta campaña y acciones relacionadas. Pueden aplicarse tarifas de mensajes y datos. Responde STOP para darte de baja o HELP para obtener ayuda. El consentimiento no es una condición para compartir mi historia.`,
};

const DEFAULT_PUBLISH_WORDING: Record<Lang, (workspace: string) => string> = {
  en: (w) =>
    `I agree that ${w} may publish my story, with my photo if I added one and the name I chose above, on its website and social media. I can ask for it to be taken down at any time.`,
  es: (w) =>
    `Acepto que ${w} publique mi historia, con mi foto si la añadí y el nombre que elegí arriba, en su sitio web y redes sociales. Puedo pedir que la retiren en cualquier momento.`,
};

const THANKS_TEXT: Record<Lang, (workspace: string, title: string) => string> = {
  en: (w, t) => `${w}: thank you for sharing your story for "${t}". A moderator will read it soon. Reply STOP to opt out.`,
  es: (w, t) =>
    `${w}: gracias por compartir tu historia para "${t}". Una persona moderadora la leerá pronto. Responde STOP para darte de baja.`,
};

/** The exact SMS consent sentence beside its checkbox, recorded in the ledger when ticked. */
export function storySmsWording(ctx: { action: Pick<ActionRow, 'consent_wording'>; workspace: { name: string } }, lang: Lang): string {
  return ctx.action.consent_wording ?? DEFAULT_SMS_WORDING[lang](ctx.workspace.name);
}

/** The exact consent-to-publish sentence, stored with the story. */
export function storyPublishWording(
  ctx: { settings: Pick<StorySettings, 'publishWording'>; workspace: { name: string } },
  lang: Lang,
): string {
  return ctx.settings.publishWording ?? DEFAULT_PUBLISH_WORDING[lang](ctx.workspace.name);
}

export const wordingFingerprint = (wording: string) => sha256(wording).slice(0, 16);

const emailSchema = z.email();
const TAG = /^[\w.-]{1,60}$/;
const phonePrefix = (e164: string) => e164.replace(/^\+/, '').slice(0, 7);

type Deps = { db: Db; clock: Clock; appSecret: string };

export function createStorySubmitting({ db, clock, appSecret }: Deps) {
  async function findContext(workspaceSlug: string, slug: string): Promise<StoryContext | null> {
    const page = await findActionPage(db, workspaceSlug, 'story', slug);
    return page && { ...page, settings: settingsOf(page.action) };
  }

  /** What the form shows of a member who arrived from a tracked link (?gsm=), or null. */
  async function prefill(ctx: StoryContext, token: string): Promise<Prefill | null> {
    const who = verifyMemberToken(appSecret, token, clock.now());
    if (!who || who.workspaceId !== ctx.workspace.id) return null;
    const member = await findMember(db, ctx.workspace.id, who.memberId);
    if (!member || member.merged_into !== null || member.erased_at !== null) return null;
    const phone = member.phone ? parsePhoneNumberFromString(member.phone) : undefined;
    return {
      firstName: member.first_name ?? '',
      city: '',
      email: member.email ?? '',
      phone: phone ? (phone.country === ctx.workspace.defaultCountry ? phone.formatNational() : phone.number) : (member.phone ?? ''),
    };
  }

  function validate(ctx: StoryContext, form: StoryForm, photo: Photo, lang: Lang) {
    const problems: Partial<Record<StoryField, StoryProblem>> = {};
    const story = form.story.trim().replace(/\r\n/g, '\n');
    if (story === '') problems.story = { kind: 'required' };
    else if (story.length > MAX_STORY) problems.story = { kind: 'too_long', max: MAX_STORY };

    let photoType: PhotoType | null = null;
    if (photo && ctx.settings.askPhoto) {
      if (photo.tooLarge || photo.bytes.length > MAX_PHOTO_BYTES) problems.photo = { kind: 'photo_too_large' };
      else {
        photoType = photoTypeOf(photo.bytes);
        if (!photoType) problems.photo = { kind: 'photo_type' };
      }
    }

    const firstName = fixNameCase(form.firstName.trim()) ?? '';
    if (firstName === '') problems.firstName = { kind: 'required' };
    else if (firstName.length > 80) problems.firstName = { kind: 'too_long', max: 80 };
    const city = fixNameCase(form.city.trim()) ?? '';
    if (city.length > 80) problems.city = { kind: 'too_long', max: 80 };

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

    if (!form.publish) problems.publish = { kind: 'publish_required' };
    else if (form.publishFingerprint !== wordingFingerprint(storyPublishWording(ctx, lang))) problems.publish = { kind: 'wording_changed' };

    if (form.consent) {
      if (form.phone.trim() === '') problems.consent = { kind: 'consent_needs_phone' };
      else if (form.wordingFingerprint !== wordingFingerprint(storySmsWording(ctx, lang))) problems.consent = { kind: 'wording_changed' };
    }
    return {
      problems,
      value: { story, photoType, firstName, city: city || null, phone, phoneType, email: email || null },
    };
  }

  async function submit(ctx: StoryContext, form: StoryForm, photo: Photo, meta: StoryMeta): Promise<SubmitResult> {
    if (ctx.action.status !== 'published') return { kind: 'closed' };
    // A bot: answer like a success; nothing is stored.
    if (form.honeypot.trim() !== '') return { kind: 'submitted', firstName: form.firstName.trim() || null };
    const { problems, value } = validate(ctx, form, photo, meta.lang);
    if (Object.keys(problems).length > 0) return { kind: 'invalid', problems };

    const now = clock.now();
    const since = now - STORY_VELOCITY.windowMs;
    const ws = ctx.workspace.id;
    const prefix = value.phone ? phonePrefix(value.phone) : null;
    if ((await recentSubmissions(db, ws, 'ip', meta.ip, since)) >= STORY_VELOCITY.perIp) return { kind: 'limited' };
    if (prefix && (await recentSubmissions(db, ws, 'phone_prefix', prefix, since)) >= STORY_VELOCITY.perPrefix) return { kind: 'limited' };

    const attempt = () => db.transaction().execute((trx) => store(trx, ctx, form, value, photo, meta, prefix, now));
    // The same new number twice at once: the second sees the member the first created.
    return attempt().catch((error: unknown) => {
      if (!isUniqueViolation(error)) throw error;
      return attempt();
    });
  }

  async function store(
    trx: Transaction<Database>,
    ctx: StoryContext,
    form: StoryForm,
    value: ReturnType<typeof validate>['value'],
    photo: Photo,
    meta: StoryMeta,
    prefix: string | null,
    now: number,
  ): Promise<SubmitResult> {
    const ws = ctx.workspace.id;
    const { action } = ctx;
    const byPhone = value.phone ? (await findLiveMembersByPhones(trx, ws, [value.phone]))[0] : undefined;
    const found = byPhone ?? (value.email ? (await findLiveMembersByEmails(trx, ws, [value.email]))[0] : undefined);
    let memberId: number;
    if (found) {
      memberId = found.id;
      // Fill what the member record lacks; never overwrite what is there.
      const member = await findMember(trx, ws, memberId);
      await trx
        .updateTable('members')
        .set({
          ...(member?.first_name == null
            ? { first_name: value.firstName, name_key: nameKeyOf(value.firstName, member?.last_name ?? null) }
            : {}),
          ...(member?.email == null && value.email ? { email: value.email } : {}),
          ...(member?.phone == null && value.phone ? { phone: value.phone, phone_type: value.phoneType } : {}),
          last_active_at: now,
          updated_at: now,
        })
        .where('workspace_id', '=', ws)
        .where('id', '=', memberId)
        .execute();
    } else {
      const { value: fields } = normalizeMemberFields(
        { firstName: value.firstName, phone: value.phone, email: value.email, language: meta.lang, source: 'story' },
        { defaultCountry: ctx.workspace.defaultCountry, workspaceTimezone: ctx.workspace.timezone },
      );
      memberId = await insertMember(trx, { workspaceId: ws, fields, referredBy: null, at: now });
      await recordActivities(
        trx,
        [{ workspaceId: ws, memberId, type: 'created', data: { source: 'story', actionId: action.id }, occurredAt: now }],
        now,
      );
    }
    const member = await findMember(trx, ws, memberId);
    const tag = (v: string) => (TAG.test(v.trim()) ? v.trim() : null);
    const source = tag(form.source) ?? 'web';
    const hasPhoto = photo !== null && value.photoType !== null;
    // Stored (and later published) without the metadata that can say where the member was.
    const photoBytes = hasPhoto ? withoutMetadata(photo.bytes, value.photoType as PhotoType) : null;
    const submission = await trx
      .insertInto('story_submissions')
      .values({
        workspace_id: ws,
        action_id: action.id,
        member_id: memberId,
        public_id: randomToken(12),
        body: value.story,
        display: form.display,
        display_name: form.display === 'name' ? (value.city ? `${value.firstName}, ${value.city}` : value.firstName) : null,
        publish_consent: storyPublishWording(ctx, meta.lang),
        photo_type: hasPhoto ? value.photoType : null,
        photo_size: photoBytes ? photoBytes.length : null,
        status: 'pending',
        moderated_by: null,
        moderated_at: null,
        reason: null,
        source,
        ip: meta.ip,
        phone_prefix: prefix,
        created_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (photoBytes)
      await trx.insertInto('story_photos').values({ submission_id: submission.id, workspace_id: ws, data: photoBytes }).execute();
    await recordActivities(
      trx,
      [
        {
          workspaceId: ws,
          memberId,
          type: 'posted',
          communityId: action.community_id,
          subjectType: 'action',
          subjectId: action.id,
          data: { kind: 'story', submissionId: submission.id, photo: hasPhoto, source },
          occurredAt: now,
        },
      ],
      now,
    );
    await bumpTaken(trx, ws, action.id, 1, now);

    const phone = member?.phone ?? null;
    let consent = member?.sms_consent ?? 'none';
    if (form.consent && phone && value.phone === phone && consent !== 'granted') {
      await appendConsent(trx, appSecret, {
        workspaceId: ws,
        memberId,
        channel: 'sms',
        status: 'granted',
        method: 'web_form',
        address: phone,
        wording: storySmsWording(ctx, meta.lang),
        sourceUrl: meta.sourceUrl.slice(0, 500),
        ip: meta.ip,
        userAgent: meta.userAgent,
        at: now,
      });
      consent = 'granted';
    }
    if (consent === 'granted' && phone && value.phone === phone) {
      await queueReply(trx, {
        workspaceId: ws,
        memberId,
        to: phone,
        body: THANKS_TEXT[meta.lang](ctx.workspace.name, action.title),
        kind: 'automation',
        now,
      });
    }
    return { kind: 'submitted', firstName: member?.first_name ?? value.firstName };
  }

  /** The spotlight: approved stories, newest approval first. */
  async function spotlight(ctx: StoryContext, limit: number, offset: number) {
    return approvedStories(db, ctx.workspace.id, ctx.action.id, limit, offset);
  }

  /** An approved story's photo, by its public id; undefined for anything not approved. */
  async function publicPhoto(ctx: StoryContext, publicId: string) {
    if (!/^[\w-]{1,40}$/.test(publicId)) return undefined;
    return photoOf(db, ctx.workspace.id, ctx.action.id, { publicId, approvedOnly: true });
  }

  return { findContext, prefill, submit, spotlight, publicPhoto };
}
