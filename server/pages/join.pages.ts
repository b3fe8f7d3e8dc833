import type { FieldProblem, JoinContext, JoinField } from '../modules/communities/join.service.ts';
import { document, html, paragraphs, type SafeHtml } from './html.ts';
import { COPY, type Lang } from './i18n.ts';

// Templates of the public join flow: the form, the code form, and the pages that end it.

export type JoinUrls = {
  /** The form's own path (with ?lang= when the page is not in English). */
  form: string;
  verify: string;
  resend: string;
  guidelines: string;
  /** The absolute, canonical address of the join page (OpenGraph, the consent ledger). */
  canonical: string;
  /** The same page in the other language. */
  otherLanguage: string;
};

export type FormValues = { firstName: string; phone: string; email: string; postalCode: string; consent: boolean };

const emptyValues: FormValues = { firstName: '', phone: '', email: '', postalCode: '', consent: false };

function header(ctx: JoinContext, title: string): SafeHtml {
  return html`<p class="org">${ctx.workspace.name}</p>
<h1>${title}</h1>`;
}

const footer = (lang: Lang, urls: JoinUrls) =>
  html`<p class="lang"><a href="${urls.otherLanguage}" hreflang="${COPY[lang].otherLanguage.lang}" lang="${COPY[lang].otherLanguage.lang}">${COPY[lang].otherLanguage.label}</a></p>`;

function og(ctx: JoinContext, lang: Lang, urls: JoinUrls) {
  const t = COPY[lang];
  const description = (ctx.community.description.trim() || t.joinDescription(ctx.community.name, ctx.workspace.name)).slice(0, 200);
  return {
    title: t.joinTitle(ctx.community.name),
    description,
    url: urls.canonical,
    siteName: ctx.workspace.name,
    locale: t.locale,
  };
}

type TextField = {
  name: Exclude<JoinField, 'consent'>;
  label: string;
  type: 'text' | 'tel' | 'email';
  autocomplete: string;
  optional?: boolean;
  hint?: string;
  inputmode?: string;
};

function textField(field: TextField, value: string, problem: FieldProblem | undefined, lang: Lang, autofocus: boolean): SafeHtml {
  const t = COPY[lang];
  const described = [field.hint ? `${field.name}-hint` : null, problem ? `${field.name}-error` : null].filter(Boolean).join(' ');
  return html`<div class="field">
<label for="${field.name}">${field.label}${field.optional ? html` <span class="opt">${t.optional}</span>` : ''}</label>
${field.hint ? html`<p class="hint" id="${field.name}-hint">${field.hint}</p>` : ''}
<input id="${field.name}" name="${field.name}" type="${field.type}" value="${value}" autocomplete="${field.autocomplete}"${
    field.inputmode ? html` inputmode="${field.inputmode}"` : ''
  }${field.optional ? '' : html` required aria-required="true"`}${problem ? html` aria-invalid="true"` : ''}${
    described ? html` aria-describedby="${described}"` : ''
  }${autofocus ? html` autofocus` : ''} maxlength="${field.name === 'email' ? 254 : 80}">
${problem ? html`<p class="err" id="${field.name}-error">${t.problem(problem)}</p>` : ''}
</div>`;
}

/** The join form, empty or re-rendered with the values given and a message per field. */
export function joinFormPage(input: {
  ctx: JoinContext;
  lang: Lang;
  wording: string;
  wordingFingerprint: string;
  urls: JoinUrls;
  values?: FormValues;
  problems?: Partial<Record<JoinField, FieldProblem>>;
}): string {
  const { ctx, lang, urls } = input;
  const t = COPY[lang];
  const values = input.values ?? emptyValues;
  const problems = input.problems ?? {};
  const order: JoinField[] = ['firstName', 'phone', 'email', 'postalCode', 'consent'];
  const firstProblem = order.find((f) => problems[f]);
  const fields: TextField[] = [
    { name: 'firstName', label: t.firstName, type: 'text', autocomplete: 'given-name' },
    { name: 'phone', label: t.phone, type: 'tel', autocomplete: 'tel', hint: t.phoneHint, inputmode: 'tel' },
    { name: 'email', label: t.email, type: 'email', autocomplete: 'email', optional: true },
    {
      name: 'postalCode',
      label: t.postalCode(ctx.workspace.defaultCountry),
      type: 'text',
      autocomplete: 'postal-code',
      optional: true,
      ...(ctx.workspace.defaultCountry === 'US' ? { inputmode: 'numeric' } : {}),
    },
  ];
  const labelOf = (f: JoinField) => fields.find((x) => x.name === f)?.label ?? f;
  const summary = firstProblem
    ? html`<div class="summary" role="alert" tabindex="-1">
<h2>${t.errorSummary}</h2>
<ul>${order
        .filter((f) => problems[f])
        .map((f) => {
          const problem = problems[f];
          return problem ? html`<li><a href="#${f}">${f === 'consent' ? '' : html`${labelOf(f)}: `}${t.problem(problem)}</a></li>` : '';
        })}</ul>
</div>`
    : '';
  const consentProblem = problems.consent;
  const body = html`${header(ctx, t.joinTitle(ctx.community.name))}
${ctx.community.description.trim() ? paragraphs(ctx.community.description) : ''}
${ctx.community.guidelines.trim() ? html`<p><a href="${urls.guidelines}">${t.guidelinesLink}</a></p>` : ''}
${ctx.community.visibility === 'request' ? html`<p class="note">${t.requestNote}</p>` : ''}
${summary}
<form method="post" action="${urls.form}" novalidate>
<input type="hidden" name="lang" value="${lang}">
<input type="hidden" name="w" value="${input.wordingFingerprint}">
${fields.map((f) => textField(f, values[f.name], problems[f.name], lang, firstProblem === f.name))}
<div class="hp" aria-hidden="true">
<label for="website">${t.honeypot}</label>
<input id="website" name="website" type="text" tabindex="-1" autocomplete="off" value="">
</div>
<div class="field">
<div class="consent">
<input id="consent" name="consent" type="checkbox" value="yes"${values.consent ? html` checked` : ''} required aria-required="true"${
    consentProblem ? html` aria-invalid="true" aria-describedby="consent-error"` : ''
  }${firstProblem === 'consent' ? html` autofocus` : ''}>
<label for="consent">${input.wording}</label>
</div>
${consentProblem ? html`<p class="err" id="consent-error">${t.problem(consentProblem)}</p>` : ''}
</div>
<button type="submit">${t.submit}</button>
</form>
${footer(lang, urls)}`;
  return document(
    { lang, title: t.joinTitle(ctx.community.name), description: og(ctx, lang, urls).description, og: og(ctx, lang, urls) },
    body,
  );
}

/** The form for the code we just texted. */
export function codePage(input: {
  ctx: JoinContext;
  lang: Lang;
  token: string;
  maskedPhone: string;
  simulatorCode: string | null;
  error?: string;
  urls: JoinUrls;
}): string {
  const { ctx, lang, urls } = input;
  const t = COPY[lang];
  const body = html`${header(ctx, t.checkTitle)}
<p>${t.checkLead(input.maskedPhone)}</p>
${input.simulatorCode ? html`<p class="note sim" role="note"><strong>${t.simulator(input.simulatorCode)}</strong></p>` : ''}
${input.error ? html`<div class="summary" role="alert"><p class="err" id="code-error">${input.error}</p></div>` : ''}
<form method="post" action="${urls.verify}" novalidate>
<input type="hidden" name="lang" value="${lang}">
<input type="hidden" name="token" value="${input.token}">
<div class="field">
<label for="code">${t.codeLabel}</label>
<p class="hint" id="code-hint">${t.codeHint}</p>
<input class="code" id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="7" required aria-required="true" autofocus aria-describedby="code-hint${input.error ? ' code-error' : ''}"${
    input.error ? html` aria-invalid="true"` : ''
  }>
</div>
<button type="submit">${t.confirm}</button>
</form>
${resendForm(lang, input.token, urls)}
<p><a href="${urls.form}">${t.differentNumber}</a></p>`;
  return document({ lang, title: `${t.checkTitle} · ${ctx.community.name}`, noindex: true }, body);
}

function resendForm(lang: Lang, token: string, urls: JoinUrls): SafeHtml {
  return html`<form method="post" action="${urls.resend}">
<input type="hidden" name="lang" value="${lang}">
<input type="hidden" name="token" value="${token}">
<button type="submit" class="secondary">${COPY[lang].resend}</button>
</form>`;
}

/** Too many wrong codes: only a new code helps. */
export function tooManyAttemptsPage(input: { ctx: JoinContext; lang: Lang; token: string; urls: JoinUrls }): string {
  const t = COPY[input.lang];
  const body = html`${header(input.ctx, t.checkTitle)}
<div class="summary" role="alert"><p class="err">${t.tooManyAttempts}</p></div>
${resendForm(input.lang, input.token, input.urls)}
<p><a href="${input.urls.form}">${t.differentNumber}</a></p>`;
  return document({ lang: input.lang, title: `${t.checkTitle} · ${input.ctx.community.name}`, noindex: true }, body);
}

/** The end of the journey: joined, already a member, or a request waiting for approval. */
export function thankYouPage(input: {
  ctx: JoinContext;
  lang: Lang;
  status: 'active' | 'pending' | 'left';
  alreadyMember: boolean;
  firstName: string | null;
}): string {
  const { ctx, lang } = input;
  const t = COPY[lang];
  const pending = input.status === 'pending';
  const title = pending ? t.pendingTitle : t.welcomeTitle(ctx.community.name);
  const text = pending
    ? t.pending(input.firstName, ctx.community.name)
    : input.alreadyMember
      ? t.alreadyMember(ctx.community.name)
      : t.welcome(input.firstName, ctx.community.name);
  const body = html`${header(ctx, title)}
<p role="status">${text}</p>
<p>${t.optOutReminder}</p>`;
  return document({ lang, title: `${title} · ${ctx.workspace.name}`, noindex: true }, body);
}

/** A page that only says something, with optional links: invite only, not found, expired, limits, errors. */
export function messagePage(input: {
  lang: Lang;
  title: string;
  text: string;
  organization?: string;
  links?: { href: string; label: string }[];
}): string {
  const body = html`${input.organization ? html`<p class="org">${input.organization}</p>` : ''}
<h1>${input.title}</h1>
<p>${input.text}</p>
${(input.links ?? []).map((link) => html`<p><a href="${link.href}">${link.label}</a></p>`)}`;
  return document({ lang: input.lang, title: input.title, noindex: true }, body);
}

/** The community's guidelines as their own page (linked from the form). */
export function guidelinesPage(input: { ctx: JoinContext; lang: Lang; urls: JoinUrls }): string {
  const { ctx, lang, urls } = input;
  const t = COPY[lang];
  const body = html`${header(ctx, t.guidelinesTitle(ctx.community.name))}
${paragraphs(ctx.community.guidelines)}
<p><a href="${urls.form}">${t.backToForm}</a></p>`;
  return document({ lang, title: t.guidelinesTitle(ctx.community.name) }, body);
}
