import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { CallOutcome } from '../db/schema.ts';
import type { CallContext, CallField, CallProblem, KnownMember, TargetView } from '../modules/calls/call-page.service.ts';
import { CALL_COPY } from './call.copy.ts';
import { document, html, paragraphs, type SafeHtml } from './html.ts';
import type { Lang } from './i18n.ts';

// Templates of the public call page: the form, the people to call (tel: links, the script, the outcome buttons) and
// the thank-you with the next step. No JavaScript: each outcome is a small form of its own.

export type CallUrls = {
  form: string;
  outcome: string;
  /** Where "call me and connect me" posts (patch-through), on the live page. */
  connect?: string;
  canonical: string;
  otherLanguage: string;
  /** The next action's page, when the call leads somewhere. */
  next: { href: string; title: string } | null;
};

export type CallFormValues = { firstName: string; phone: string; postalCode: string; consent: boolean };

const OUTCOMES: readonly CallOutcome[] = ['reached', 'voicemail', 'busy', 'no_answer'];

// The call page's own styles (the shared sheet has no cards or call buttons); a few hundred bytes.
const STYLES =
  '.count{color:#495057;font-weight:600;margin:0 0 1rem}.target{border:1px solid #ced4da;border-radius:12px;padding:1rem;margin:0 0 1.25rem}' +
  '.target h2{font-size:1.25rem;margin:0}.who{margin:.1rem 0 .75rem;color:#495057}' +
  'a.tel{display:block;text-align:center;text-decoration:none;font-size:1.2rem;font-weight:700;padding:1rem;border-radius:10px;background:#2b8a3e;color:#fff;margin:0 0 .75rem}' +
  'a.tel span{display:block;font-weight:400;font-size:1rem}a.tel:focus{outline:3px solid #f59f00;outline-offset:2px}' +
  '.script{background:#f8f9fa;border-left:4px solid #1c5fb8;padding:.5rem .9rem;margin:0 0 .75rem;white-space:pre-line}.script h3{font-size:1rem;margin:0}' +
  'fieldset{border:0;padding:0;margin:0}legend{font-weight:600;margin-bottom:.4rem}.outcomes{display:grid;grid-template-columns:1fr 1fr;gap:.5rem}' +
  '.outcomes button{font-size:1rem;padding:.7rem .5rem;background:#e7f5ff;color:#1a1b1e;border:1px solid #1c5fb8}' +
  '.done{color:#2b8a3e;font-weight:600}.thanks{border:2px solid #2b8a3e;border-radius:12px;padding:1rem;margin:0 0 1.25rem;background:#ebfbee}' +
  '.callme{border-top:1px dashed #ced4da;padding-top:.75rem;margin:0 0 .75rem}.callme button{width:100%}' +
  '.thanks h2{margin:0 0 .25rem}a.next{display:block;text-align:center;font-weight:700;padding:.8rem;border-radius:8px;background:#1c5fb8;color:#fff;text-decoration:none}';

const header = (ctx: CallContext, title: string) => html`<p class="org">${ctx.workspace_name}</p>
<h1>${title}</h1>`;

const footer = (lang: Lang, urls: CallUrls) => {
  const other = CALL_COPY[lang].otherLanguage;
  return html`<p class="lang"><a href="${urls.otherLanguage}" hreflang="${other.lang}" lang="${other.lang}">${other.label}</a></p>`;
};

/** A number as people dial it at home: (512) 555-0100; the E.164 form elsewhere. */
export function displayPhone(e164: string, country: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return e164;
  return parsed.country === country ? parsed.formatNational() : parsed.formatInternational();
}

function meta(ctx: CallContext, lang: Lang, urls: CallUrls, title: string, noindex = false) {
  const t = CALL_COPY[lang];
  const description = (ctx.summary.trim() || ctx.description.trim() || t.description(ctx.title, ctx.workspace_name)).slice(0, 200);
  return {
    lang,
    title,
    description,
    og: { title: ctx.title, description, url: urls.canonical, siteName: ctx.workspace_name, locale: t.locale },
    styles: STYLES,
    ...(noindex ? { noindex: true } : {}),
  };
}

const hidden = (name: string, value: string) => html`<input type="hidden" name="${name}" value="${value}">`;

function field(
  input: { name: CallField; label: string; type: 'text' | 'tel'; autocomplete: string; hint?: string; inputmode?: string },
  value: string,
  problem: CallProblem | undefined,
  lang: Lang,
  autofocus: boolean,
): SafeHtml {
  const t = CALL_COPY[lang];
  const described = [input.hint ? `${input.name}-hint` : null, problem ? `${input.name}-error` : null].filter(Boolean).join(' ');
  return html`<div class="field">
<label for="${input.name}">${input.label}</label>
${input.hint ? html`<p class="hint" id="${input.name}-hint">${input.hint}</p>` : ''}
<input id="${input.name}" name="${input.name}" type="${input.type}" value="${value}" autocomplete="${input.autocomplete}"${
    input.inputmode ? html` inputmode="${input.inputmode}"` : ''
  } required aria-required="true"${problem ? html` aria-invalid="true"` : ''}${described ? html` aria-describedby="${described}"` : ''}${
    autofocus ? html` autofocus` : ''
  } maxlength="80">
${problem ? html`<p class="err" id="${input.name}-error">${t.problem(problem)}</p>` : ''}
</div>`;
}

/** The call page: title, description, counter, and the form (or the closed notice). */
export function callFormPage(input: {
  ctx: CallContext;
  lang: Lang;
  urls: CallUrls;
  known: KnownMember | null;
  gsm: string;
  wording: string;
  wordingFingerprint: string;
  values?: CallFormValues;
  problems?: Partial<Record<CallField, CallProblem>>;
  /** Where the caller came from (?ref= share code, source), carried across the form post. */
  tracking?: { ref: string; source: string };
  /**
   * The dashboard's phone preview: a note on top, the form whatever the status (it posts nowhere), then the people to
   * call as a member sees them next (the fixed list, or the officials of one sample postal code), script filled in.
   */
  preview?: { targets: TargetView[]; postalCode: string | null };
}): string {
  const { ctx, lang, urls, known } = input;
  const t = CALL_COPY[lang];
  const problems = input.problems ?? {};
  const values = input.values ?? { firstName: '', phone: '', postalCode: known?.postalCode ?? '', consent: false };
  const byPostalCode = ctx.settings.targetMode === 'postal_code';
  const fields = [
    ...(known
      ? []
      : [
          { name: 'firstName' as const, label: t.firstName, type: 'text' as const, autocomplete: 'given-name' },
          { name: 'phone' as const, label: t.phone, type: 'tel' as const, autocomplete: 'tel', hint: t.phoneHint, inputmode: 'tel' },
        ]),
    ...(byPostalCode
      ? [
          {
            name: 'postalCode' as const,
            label: t.postalCode(ctx.default_country),
            type: 'text' as const,
            autocomplete: 'postal-code',
            hint: t.postalCodeHint,
            ...(ctx.default_country === 'US' ? { inputmode: 'numeric' } : {}),
          },
        ]
      : []),
  ];
  const order: CallField[] = ['firstName', 'phone', 'postalCode', 'consent'];
  const firstProblem = order.find((f) => problems[f]);
  const labelOf = (f: CallField) => fields.find((x) => x.name === f)?.label ?? '';
  const summary = firstProblem
    ? html`<div class="summary" role="alert" tabindex="-1">
<h2>${t.errorSummary}</h2>
<ul>${order.map((f) => {
        const problem = problems[f];
        return problem ? html`<li><a href="#${f}">${labelOf(f) ? html`${labelOf(f)}: ` : ''}${t.problem(problem)}</a></li>` : '';
      })}</ul>
</div>`
    : '';
  const closed = ctx.status === 'closed' && !input.preview;
  const askConsent = known?.smsConsent !== 'granted';
  const consentProblem = problems.consent;
  const form = closed
    ? html`<div class="note" role="status"><h2>${t.closedTitle}</h2><p>${t.closed}</p></div>`
    : html`${summary}
${known ? html`<p class="note">${t.callingAs(known.firstName)} <a href="${urls.form}">${t.notYou}</a></p>` : ''}
<form method="post" action="${urls.form}" novalidate>
${hidden('lang', lang)}${hidden('w', input.wordingFingerprint)}${known ? hidden('gsm', input.gsm) : ''}
${hidden('ref', input.tracking?.ref ?? '')}${hidden('source', input.tracking?.source ?? '')}
${fields.map((f) => field(f, values[f.name], problems[f.name], lang, firstProblem === f.name))}
${
  askConsent
    ? html`<div class="field">
<p class="hint">${t.textMe} <span class="opt">${t.optional}</span></p>
<div class="consent">
<input id="consent" name="consent" type="checkbox" value="yes"${values.consent ? html` checked` : ''}${consentProblem ? html` aria-invalid="true" aria-describedby="consent-error"` : ''}>
<label for="consent">${input.wording}</label>
</div>
${consentProblem ? html`<p class="err" id="consent-error">${t.problem(consentProblem)}</p>` : ''}
</div>`
    : ''
}
<div class="hp" aria-hidden="true"><label for="website">${t.honeypot}</label><input id="website" name="website" type="text" tabindex="-1" autocomplete="off"></div>
<button type="submit">${byPostalCode ? t.findTargets : t.showTargets}</button>
</form>`;
  const preview = input.preview;
  const body = html`${header(ctx, ctx.title)}
${preview ? html`<p class="note sim" role="note">${t.preview}</p>` : ''}
${ctx.description.trim() ? paragraphs(ctx.description) : ctx.summary ? html`<p>${ctx.summary}</p>` : ''}
${ctx.taken_count > 0 || ctx.goal ? html`<p class="count">${t.callsSoFar(ctx.taken_count, ctx.goal)}</p>` : ''}
${form}
${
  preview
    ? html`<h2 data-preview-targets>${t.previewTargets(preview.postalCode)}</h2>
<p>${t.targetsLead}</p>
${preview.targets.map((target) => targetCard(ctx, lang, urls, target, { token: '', postalCode: preview.postalCode ?? '' }))}`
    : ''
}
${footer(lang, urls)}`;
  return document(meta(ctx, lang, urls, `${ctx.title} · ${ctx.workspace_name}`, Boolean(firstProblem) || Boolean(preview)), body);
}

/** One person to call: the click-to-call button, the script and the outcome buttons (a small form of its own). */
function targetCard(
  ctx: CallContext,
  lang: Lang,
  urls: CallUrls,
  target: TargetView,
  session: {
    token: string;
    postalCode: string;
    /** Patch-through is on: a "call me and connect me" form, prefilled with the member's number. */
    callMe?: boolean | undefined;
    callMeError?: { targetId: number; phone: string; problem: CallProblem } | undefined;
    memberPhone?: string;
  },
): SafeHtml {
  const t = CALL_COPY[lang];
  return html`<section class="target" id="target-${target.id}" aria-labelledby="target-${target.id}-name">
<h2 id="target-${target.id}-name">${target.name}</h2>
<p class="who">${[target.title, target.district].filter(Boolean).join(' · ')}</p>
<a class="tel" href="tel:${target.phone}">${t.call(target.name)}<span>${displayPhone(target.phone, ctx.default_country)}</span></a>
${
  session.callMe && urls.connect
    ? callMeForm({
        lang,
        action: urls.connect,
        token: session.token,
        postalCode: session.postalCode,
        target,
        phone: session.callMeError?.targetId === target.id ? session.callMeError.phone : (session.memberPhone ?? ''),
        problem: session.callMeError?.targetId === target.id ? session.callMeError.problem : undefined,
      })
    : ''
}
${target.script.trim() ? html`<div class="script"><h3>${t.script}</h3>${target.script}</div>` : ''}
${target.outcome ? html`<p class="done">✓ ${t.loggedAs(t.outcome[target.outcome])}</p>` : ''}
<form method="post" action="${urls.outcome}">
${hidden('lang', lang)}${hidden('t', session.token)}${hidden('postalCode', session.postalCode)}${hidden('target', String(target.id))}
<div class="hp" aria-hidden="true"><label for="website-${target.id}">${t.honeypot}</label><input id="website-${target.id}" name="website" type="text" tabindex="-1" autocomplete="off"></div>
<fieldset><legend>${t.howDidItGo(target.name)}</legend>
<div class="outcomes">${OUTCOMES.map((o) => html`<button type="submit" name="outcome" value="${o}">${t.outcome[o]}</button>`)}</div>
</fieldset>
</form>
</section>`;
}

/** "Call me and connect me" beside a person to call: the member's number (prefilled when we know it), one button. */
function callMeForm(input: {
  lang: Lang;
  action: string;
  token: string;
  postalCode: string;
  target: TargetView;
  phone: string;
  problem: CallProblem | undefined;
}): SafeHtml {
  const { lang, target, problem } = input;
  const t = CALL_COPY[lang];
  const id = `callme-phone-${target.id}`;
  const described = [`${id}-hint`, problem ? `${id}-error` : null].filter(Boolean).join(' ');
  return html`<form method="post" action="${input.action}" class="callme" data-call-me>
${hidden('lang', lang)}${hidden('t', input.token)}${hidden('postalCode', input.postalCode)}${hidden('target', String(target.id))}
<div class="field">
<label for="${id}">${t.callMePhone}</label>
<p class="hint" id="${id}-hint">${t.callMeHint(target.name)}</p>
<input id="${id}" name="phone" type="tel" value="${input.phone}" autocomplete="tel" inputmode="tel" maxlength="40" required aria-required="true"${
    problem ? html` aria-invalid="true"` : ''
  } aria-describedby="${described}"${problem ? html` autofocus` : ''}>
${problem ? html`<p class="err" id="${id}-error">${t.problem(problem)}</p>` : ''}
</div>
<div class="hp" aria-hidden="true"><label for="website-callme-${target.id}">${t.honeypot}</label><input id="website-callme-${target.id}" name="website" type="text" tabindex="-1" autocomplete="off"></div>
<button type="submit">${t.callMe}</button>
</form>`;
}

/** The people to call, each with a click-to-call button, the script and the outcome buttons; thanks when all are done. */
export function callTargetsPage(input: {
  ctx: CallContext;
  lang: Lang;
  urls: CallUrls;
  token: string;
  postalCode: string;
  member: KnownMember;
  targets: TargetView[];
  justLogged?: TargetView;
  /** Patch-through is on: each person gets a "call me and connect me" form. */
  callMe?: boolean;
  /** The call-me form sent with a problem: shown again on its person, with what was typed. */
  callMeError?: { targetId: number; phone: string; problem: CallProblem };
  /** A notice above the list (the provider could not call the member). */
  notice?: string;
}): string {
  const { ctx, lang, urls } = input;
  const t = CALL_COPY[lang];
  const allDone = input.targets.length > 0 && input.targets.every((x) => x.outcome !== null);
  const thanks = allDone
    ? html`<section class="thanks" role="status" aria-labelledby="thanks-title">
<h2 id="thanks-title">${t.thanksTitle(input.member.firstName)}</h2>
<p>${t.thanks}</p>
${urls.next ? html`<p>${t.nextStep}:</p><a class="next" href="${urls.next.href}" data-next-step>${urls.next.title}</a>` : ''}
</section>`
    : input.notice
      ? html`<p class="note" role="alert">${input.notice}</p>`
      : input.justLogged?.outcome
        ? html`<p class="note" role="status">${t.loggedNote(input.justLogged.name, t.outcome[input.justLogged.outcome])}</p>`
        : html`<p>${t.targetsLead}</p>`;
  const memberPhone = input.member.phone ? displayPhone(input.member.phone, ctx.default_country) : '';
  const cards = input.targets.map((target) => targetCard(ctx, lang, urls, target, { ...input, memberPhone }));
  const body = html`${header(ctx, allDone ? ctx.title : t.targetsTitle(input.targets.length))}
${thanks}
${cards}
${footer(lang, urls)}`;
  return document(meta(ctx, lang, urls, `${t.targetsTitle(input.targets.length)} · ${ctx.title}`, true), body);
}

/** After "call me and connect me": the provider is calling the member; the script to read, and the number as a fallback. */
export function callConnectingPage(input: { ctx: CallContext; lang: Lang; urls: CallUrls; target: TargetView; from: string }): string {
  const { ctx, lang, urls, target } = input;
  const t = CALL_COPY[lang];
  const body = html`${header(ctx, t.callingTitle)}
<p class="note" role="status" data-calling>${t.calling(displayPhone(input.from, ctx.default_country), target.name)}</p>
<section class="target" id="target-${target.id}" aria-labelledby="target-${target.id}-name">
<h2 id="target-${target.id}-name">${target.name}</h2>
<p class="who">${[target.title, target.district].filter(Boolean).join(' · ')}</p>
${target.script.trim() ? html`<div class="script"><h3>${t.script}</h3>${target.script}</div>` : ''}
<p>${t.callingFallback(target.name)}</p>
<a class="tel" href="tel:${target.phone}">${t.call(target.name)}<span>${displayPhone(target.phone, ctx.default_country)}</span></a>
</section>
${footer(lang, urls)}`;
  return document(meta(ctx, lang, urls, `${t.callingTitle} · ${ctx.title}`, true), body);
}

/** A page that only says something: not found, expired, limits, errors. */
export function callMessagePage(input: {
  lang: Lang;
  title: string;
  text: string;
  organization?: string;
  link?: { href: string; label: string };
}) {
  const body = html`${input.organization ? html`<p class="org">${input.organization}</p>` : ''}
<h1>${input.title}</h1>
<p>${input.text}</p>
${input.link ? html`<p><a href="${input.link.href}">${input.link.label}</a></p>` : ''}`;
  return document({ lang: input.lang, title: input.title, noindex: true }, body);
}
