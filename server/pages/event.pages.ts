import type { RsvpStatus } from '../db/schema.ts';
import { formatWhen } from '../modules/events/event-time.ts';
import type { ShiftRow } from '../modules/events/events.repo.ts';
import type { EventContext, Lang, RsvpDone, RsvpField, RsvpProblem } from '../modules/events/rsvp.service.ts';
import { EVENT_COPY } from './event.i18n.ts';
import { document, html, paragraphs, type SafeHtml } from './html.ts';

// Templates of an event's public pages: the event with its RSVP form, the confirmation, the member's own page
// (calendar links, cancel) and self check-in at the door.

export type EventUrls = {
  /** The page's own path, with ?lang= */
  page: string;
  /** Absolute and canonical (OpenGraph, the consent ledger). */
  canonical: string;
  otherLanguage: string;
  checkIn: string;
  cancel: string;
  ics: (shiftId: number) => string;
  mine: (token: string) => string;
};

export type RsvpValues = {
  firstName: string;
  phone: string;
  email: string;
  consent: boolean;
  shiftIds: number[];
  guests: string;
  friendName: string;
  friendPhone: string;
  ref: string;
  source: string;
};

export const emptyRsvpValues: RsvpValues = {
  firstName: '',
  phone: '',
  email: '',
  consent: false,
  shiftIds: [],
  guests: '0',
  friendName: '',
  friendPhone: '',
  ref: '',
  source: '',
};

const header = (ctx: EventContext, title: string) => html`<p class="org">${ctx.workspace.name}</p>
<h1>${title}</h1>`;

const footer = (lang: Lang, urls: EventUrls) =>
  html`<p class="lang"><a href="${urls.otherLanguage}" hreflang="${EVENT_COPY[lang].otherLanguage.lang}" lang="${EVENT_COPY[lang].otherLanguage.lang}">${EVENT_COPY[lang].otherLanguage.label}</a></p>`;

export const shiftWhen = (ctx: EventContext, shift: Pick<ShiftRow, 'starts_at' | 'ends_at'>, lang: Lang) =>
  formatWhen(shift.starts_at, shift.ends_at, ctx.settings.timezone, lang);

function place(ctx: EventContext, lang: Lang): SafeHtml {
  const t = EVENT_COPY[lang];
  if (ctx.settings.format === 'virtual') return html`<p><strong>${t.where}:</strong> ${t.online}. ${t.onlineNote}</p>`;
  const { location, address } = ctx.settings;
  const mapUrl = address ? `https://www.openstreetmap.org/search?query=${encodeURIComponent(address)}` : null;
  return html`<p><strong>${t.where}:</strong> ${location}${location && address ? html`<br>` : ''}${
    mapUrl ? html`<a href="${mapUrl}" rel="noopener">${address}</a>` : ''
  }</p>`;
}

function og(ctx: EventContext, lang: Lang, urls: EventUrls, now: number) {
  const next = ctx.shifts.find((s) => s.ends_at > now) ?? ctx.shifts[0];
  const when = next ? shiftWhen(ctx, next, lang) : '';
  const description = (ctx.action.summary.trim() || [when, ctx.settings.location].filter(Boolean).join(' · ')).slice(0, 200);
  return { title: ctx.action.title, description, url: urls.canonical, siteName: ctx.workspace.name, locale: EVENT_COPY[lang].locale };
}

function spots(shift: ShiftRow, lang: Lang, now: number): string {
  const t = EVENT_COPY[lang];
  if (shift.ends_at <= now) return t.past;
  if (shift.capacity === null) return t.noLimit;
  const left = shift.capacity - shift.going_count;
  if (left > 0) return t.spotsLeft(left);
  return shift.waitlist === 1 ? t.waitlistOpen : t.full;
}

/** A shift can be chosen when it is not over, and not full unless it takes a waitlist. */
const choosable = (shift: ShiftRow, now: number) =>
  shift.ends_at > now && (shift.capacity === null || shift.going_count < shift.capacity || shift.waitlist === 1);

type TextField = {
  name: RsvpField | 'friendName' | 'guests';
  label: string;
  type: 'text' | 'tel' | 'email';
  autocomplete: string;
  optional?: boolean;
  hint?: string;
  inputmode?: string;
  max: number;
};

function textField(
  field: TextField,
  value: string,
  problem: RsvpProblem | undefined,
  lang: Lang,
  ctx: EventContext,
  autofocus: boolean,
): SafeHtml {
  const t = EVENT_COPY[lang];
  const described = [field.hint ? `${field.name}-hint` : null, problem ? `${field.name}-error` : null].filter(Boolean).join(' ');
  return html`<div class="field">
<label for="${field.name}">${field.label}${field.optional ? html` <span class="opt">${t.optional}</span>` : ''}</label>
${field.hint ? html`<p class="hint" id="${field.name}-hint">${field.hint}</p>` : ''}
<input id="${field.name}" name="${field.name}" type="${field.type}" value="${value}" autocomplete="${field.autocomplete}"${
    field.inputmode ? html` inputmode="${field.inputmode}"` : ''
  }${field.optional ? '' : html` required aria-required="true"`}${problem ? html` aria-invalid="true"` : ''}${
    described ? html` aria-describedby="${described}"` : ''
  }${autofocus ? html` autofocus` : ''} maxlength="${field.max}">
${problem ? html`<p class="err" id="${field.name}-error">${t.problem(problem, (id) => shiftLabel(ctx, id, lang))}</p>` : ''}
</div>`;
}

const shiftLabel = (ctx: EventContext, shiftId: number, lang: Lang) => {
  const shift = ctx.shifts.find((s) => s.id === shiftId);
  return shift ? shiftWhen(ctx, shift, lang) : '';
};

/** The event: what, when, where, and the RSVP form (or a note that RSVPs are closed). */
export function eventPage(input: {
  ctx: EventContext;
  lang: Lang;
  urls: EventUrls;
  wording: string;
  wordingFingerprint: string;
  now: number;
  values?: RsvpValues;
  problems?: Partial<Record<RsvpField, RsvpProblem>>;
  /** The member's token from a tracked link, carried to the POST. */
  gsm?: string;
  /** The dashboard's phone preview: a note on top, and the form shown whatever the status (it posts nowhere). */
  preview?: boolean;
}): string {
  const { ctx, lang, urls, now } = input;
  const t = EVENT_COPY[lang];
  const values = input.values ?? emptyRsvpValues;
  const problems = input.problems ?? {};
  const order: RsvpField[] = ['shifts', 'firstName', 'phone', 'email', 'friendPhone', 'consent'];
  const firstProblem = order.find((f) => problems[f]);
  const open =
    (ctx.action.status === 'published' || (input.preview === true && ctx.action.status === 'draft')) &&
    ctx.shifts.some((s) => choosable(s, now));
  const chosen = new Set(
    values.shiftIds.length > 0
      ? values.shiftIds
      : ctx.shifts.filter((s) => choosable(s, now)).length === 1
        ? ctx.shifts.filter((s) => choosable(s, now)).map((s) => s.id)
        : [],
  );
  const labels: Record<RsvpField, string> = {
    shifts: t.shifts,
    firstName: t.firstName,
    phone: t.phone,
    email: t.email,
    friendPhone: t.friendPhone,
    consent: '',
  };
  const summary = firstProblem
    ? html`<div class="summary" role="alert" tabindex="-1">
<h2>${t.errorSummary}</h2>
<ul>${order.map((f) => {
        const problem = problems[f];
        return problem
          ? html`<li><a href="#${f === 'shifts' ? `shift-${ctx.shifts.find((s) => choosable(s, now))?.id ?? ''}` : f}">${labels[f] ? html`${labels[f]}: ` : ''}${t.problem(problem, (id) => shiftLabel(ctx, id, lang))}</a></li>`
          : '';
      })}</ul>
</div>`
    : '';

  const shiftList = html`<ul class="shifts">${ctx.shifts.map(
    (s) =>
      html`<li><strong>${shiftWhen(ctx, s, lang)}</strong> · ${spots(s, lang, now)} · <a href="${urls.ics(s.id)}">${t.addToCalendar}</a></li>`,
  )}</ul>`;

  const form = open
    ? html`<h2 id="rsvp">${t.rsvpTitle}</h2>
${summary}
<form method="post" action="${urls.page}" novalidate>
<input type="hidden" name="lang" value="${lang}">
<input type="hidden" name="w" value="${input.wordingFingerprint}">
<input type="hidden" name="ref" value="${values.ref}">
<input type="hidden" name="source" value="${values.source}">
${input.gsm ? html`<input type="hidden" name="gsm" value="${input.gsm}">` : ''}
<fieldset class="field" style="border:0;padding:0;margin:0 0 1rem"${problems.shifts ? html` aria-describedby="shifts-error"` : ''}>
<legend><strong>${t.chooseShifts}</strong></legend>
${ctx.shifts
  .filter((s) => choosable(s, now))
  .map(
    (s, i) => html`<div class="consent" style="margin:.5rem 0">
<input id="shift-${s.id}" name="shift" type="checkbox" value="${s.id}"${chosen.has(s.id) ? html` checked` : ''}${
      firstProblem === 'shifts' && i === 0 ? html` autofocus` : ''
    }>
<label for="shift-${s.id}">${shiftWhen(ctx, s, lang)} <span class="opt">· ${spots(s, lang, now)}</span></label>
</div>`,
  )}
${problems.shifts ? html`<p class="err" id="shifts-error">${t.problem(problems.shifts, (id) => shiftLabel(ctx, id, lang))}</p>` : ''}
</fieldset>
${textField({ name: 'firstName', label: t.firstName, type: 'text', autocomplete: 'given-name', max: 80 }, values.firstName, problems.firstName, lang, ctx, firstProblem === 'firstName')}
${textField({ name: 'phone', label: t.phone, type: 'tel', autocomplete: 'tel', hint: t.phoneHint, inputmode: 'tel', max: 30 }, values.phone, problems.phone, lang, ctx, firstProblem === 'phone')}
${textField({ name: 'email', label: t.email, type: 'email', autocomplete: 'email', optional: true, max: 254 }, values.email, problems.email, lang, ctx, firstProblem === 'email')}
<fieldset class="field" style="border:1px solid #ced4da;border-radius:8px;padding:.75rem">
<legend><strong>${t.bringFriend}</strong> <span class="opt">${t.optional}</span></legend>
${textField({ name: 'guests', label: t.guests, type: 'text', autocomplete: 'off', optional: true, hint: t.guestsHint, inputmode: 'numeric', max: 1 }, values.guests, undefined, lang, ctx, false)}
${textField({ name: 'friendName', label: t.friendName, type: 'text', autocomplete: 'off', optional: true, max: 80 }, values.friendName, undefined, lang, ctx, false)}
${textField({ name: 'friendPhone', label: t.friendPhone, type: 'tel', autocomplete: 'off', optional: true, inputmode: 'tel', max: 30 }, values.friendPhone, problems.friendPhone, lang, ctx, firstProblem === 'friendPhone')}
</fieldset>
<div class="hp" aria-hidden="true">
<label for="website">${t.honeypot}</label>
<input id="website" name="website" type="text" tabindex="-1" autocomplete="off" value="">
</div>
<div class="field">
<div class="consent">
<input id="consent" name="consent" type="checkbox" value="yes"${values.consent ? html` checked` : ''}${
        problems.consent ? html` aria-invalid="true" aria-describedby="consent-error"` : ''
      }${firstProblem === 'consent' ? html` autofocus` : ''}>
<label for="consent">${input.wording}</label>
</div>
${problems.consent ? html`<p class="err" id="consent-error">${t.problem(problems.consent, () => '')}</p>` : ''}
</div>
<button type="submit">${t.submit}</button>
</form>`
    : html`<p class="note" role="status">${t.closedNote}</p>`;

  const body = html`${header(ctx, ctx.action.title)}
${input.preview ? html`<p class="note sim" role="note">${t.preview}</p>` : ''}
${ctx.settings.hostName ? html`<p class="hint">${t.hostedBy(ctx.settings.hostName)}</p>` : ''}
${ctx.action.summary.trim() ? html`<p><strong>${ctx.action.summary}</strong></p>` : ''}
<h2>${t.when}</h2>
${shiftList}
${place(ctx, lang)}
${ctx.action.description.trim() ? paragraphs(ctx.action.description) : ''}
${form}
${footer(lang, urls)}`;
  const meta = og(ctx, lang, urls, now);
  return document(
    { lang, title: ctx.action.title, description: meta.description, og: meta, ...(input.preview ? { noindex: true } : {}) },
    body,
  );
}

const statusText = (status: RsvpStatus, lang: Lang) => {
  const t = EVENT_COPY[lang];
  return {
    going: t.statusGoing,
    waitlisted: t.statusWaitlisted,
    cancelled: t.statusCancelled,
    attended: t.statusAttended,
    no_show: t.statusNoShow,
  }[status];
};

/** A prominent link, the next action on the ladder (opens prefilled for the member). */
export type NextStep = { title: string; summary: string; href: string };

const NEXT_STYLE =
  '.next{margin:1.5rem 0;padding:1rem;border-radius:12px;background:#e7f5ff}.next h2{margin:0 0 .35rem}a.btn{display:block;text-align:center;padding:.8rem 1rem;border-radius:8px;background:#1c5fb8;color:#fff;font-weight:700;text-decoration:none;margin:.75rem 0 0}';

/**
 * After an RSVP: what the member signed up for, the next step when there is one, calendar links, the join link
 * (virtual), their page to cancel.
 */
export function donePage(input: { ctx: EventContext; lang: Lang; urls: EventUrls; result: RsvpDone; next?: NextStep | null }): string {
  const { ctx, lang, urls, result, next } = input;
  const t = EVENT_COPY[lang];
  const going = result.shifts.some((s) => s.status === 'going');
  const title = going ? t.goingTitle : t.waitlistedTitle;
  const body = html`${header(ctx, title)}
<p role="status">${t.going(result.firstName)}</p>
${
  next
    ? html`<section class="next" aria-labelledby="next-title">
<h2 id="next-title">${t.nextTitle}</h2>
<p><strong>${next.title}</strong></p>
${next.summary.trim() ? html`<p>${next.summary}</p>` : ''}
<a class="btn" href="${next.href}" data-next-step>${t.nextButton}</a>
</section>`
    : ''
}
<h2>${ctx.action.title}</h2>
<ul class="shifts">${result.shifts.map(
    (s) =>
      html`<li data-shift="${s.shift.id}"><strong>${shiftWhen(ctx, s.shift, lang)}</strong> · ${statusText(s.status, lang)}<br><a href="${urls.ics(s.shift.id)}">${t.addToCalendar}</a></li>`,
  )}</ul>
${place(ctx, lang)}
${going && ctx.settings.format === 'virtual' && ctx.settings.joinUrl ? html`<p><a href="${ctx.settings.joinUrl}" rel="noopener">${t.joinLink}</a></p>` : ''}
${result.texted ? html`<p>${t.texted}</p><p>${t.optOutReminder}</p>` : ''}
<p><a href="${urls.mine(result.token)}">${t.manageLink}</a></p>`;
  return document({ lang, title: `${title} · ${ctx.action.title}`, noindex: true, styles: NEXT_STYLE }, body);
}

/** The member's own page: their times with calendar links, and a button to cancel each. */
export function myRsvpPage(input: {
  ctx: EventContext;
  lang: Lang;
  urls: EventUrls;
  token: string;
  data: { firstName: string | null; shifts: { shift: ShiftRow; status: RsvpStatus }[] };
}): string {
  const { ctx, lang, urls, data } = input;
  const t = EVENT_COPY[lang];
  const going = data.shifts.some((s) => s.status === 'going');
  const body = html`${header(ctx, t.yourRsvpTitle)}
<h2>${ctx.action.title}</h2>
<p>${data.shifts.length > 0 ? t.yourRsvpLead(data.firstName) : t.noRsvps}</p>
${data.shifts.map(
  (s) => html`<div class="field" data-shift="${s.shift.id}" style="border:1px solid #ced4da;border-radius:8px;padding:.75rem">
<p style="margin:0 0 .5rem"><strong>${shiftWhen(ctx, s.shift, lang)}</strong><br>${statusText(s.status, lang)}</p>
<p style="margin:0 0 .5rem"><a href="${urls.ics(s.shift.id)}">${t.addToCalendar}</a></p>
${
  s.status === 'going' || s.status === 'waitlisted'
    ? html`<form method="post" action="${urls.cancel}">
<input type="hidden" name="lang" value="${lang}">
<input type="hidden" name="t" value="${input.token}">
<input type="hidden" name="shift" value="${s.shift.id}">
<button type="submit" class="secondary">${t.cancel}</button>
</form>`
    : ''
}
</div>`,
)}
${place(ctx, lang)}
${going && ctx.settings.format === 'virtual' && ctx.settings.joinUrl ? html`<p><a href="${ctx.settings.joinUrl}" rel="noopener">${t.joinLink}</a></p>` : ''}
<p><a href="${urls.page}">${t.backToEvent}</a></p>`;
  return document({ lang, title: `${t.yourRsvpTitle} · ${ctx.action.title}`, noindex: true }, body);
}

/** Self check-in at the door: phone and the code on the sign. */
export function checkInPage(input: { ctx: EventContext; lang: Lang; urls: EventUrls; phone?: string; error?: string }): string {
  const { ctx, lang, urls } = input;
  const t = EVENT_COPY[lang];
  const body = html`${header(ctx, t.checkInTitle)}
<h2>${ctx.action.title}</h2>
<p>${t.checkInLead}</p>
${input.error ? html`<div class="summary" role="alert"><p class="err" id="checkin-error">${input.error}</p></div>` : ''}
<form method="post" action="${urls.checkIn}" novalidate>
<input type="hidden" name="lang" value="${lang}">
<div class="field">
<label for="phone">${t.phone}</label>
<input id="phone" name="phone" type="tel" inputmode="tel" autocomplete="tel" value="${input.phone ?? ''}" required aria-required="true" maxlength="30"${
    input.error ? html` aria-describedby="checkin-error"` : ''
  }${input.phone ? '' : html` autofocus`}>
</div>
<div class="field">
<label for="code">${t.code}</label>
<p class="hint" id="code-hint">${t.codeHint}</p>
<input class="code" id="code" name="code" type="text" inputmode="numeric" autocomplete="off" maxlength="6" required aria-required="true" aria-describedby="code-hint"${
    input.phone ? html` autofocus` : ''
  }>
</div>
<button type="submit">${t.checkIn}</button>
</form>
${footer(lang, { ...urls, otherLanguage: `${urls.checkIn.split('?')[0]}?lang=${t.otherLanguage.lang}` })}`;
  return document({ lang, title: `${t.checkInTitle} · ${ctx.action.title}`, noindex: true }, body);
}

/** A short page that ends a step: checked in, cancelled, expired link. */
export function eventMessagePage(input: {
  ctx: EventContext;
  lang: Lang;
  title: string;
  text: string;
  links?: { href: string; label: string }[];
}): string {
  const body = html`${header(input.ctx, input.title)}
<p role="status">${input.text}</p>
${(input.links ?? []).map((link) => html`<p><a href="${link.href}">${link.label}</a></p>`)}`;
  return document({ lang: input.lang, title: `${input.title} · ${input.ctx.action.title}`, noindex: true }, body);
}
