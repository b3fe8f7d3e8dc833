import type { PetitionContext, PetitionField, PetitionProblem } from '../modules/petitions/petition-signing.ts';
import { document, html, paragraphs, type SafeHtml } from './html.ts';
import { COPY, type Lang } from './i18n.ts';
import { PETITION_COPY } from './petition.copy.ts';

// Templates of a petition's public page and the pages after signing. Conventions in html.ts.

export type PetitionUrls = {
  /** The form's own path (with ?lang=). */
  form: string;
  /** The absolute, canonical address (OpenGraph, the consent ledger, share links). */
  canonical: string;
  otherLanguage: string;
};

export type PetitionValues = {
  firstName: string;
  lastName: string;
  email: string;
  phone: string;
  postalCode: string;
  comment: string;
  showName: boolean;
  consent: boolean;
};

/** What the form carries along unseen: where the signer came from. */
export type Tracking = { ref: string; source: string; medium: string };

type Signer = { public_name: string | null; public_place: string | null };

// The petition page's own styles (thermometer, letter, share buttons), on top of the shared sheet.
const STYLES = `.to{font-weight:600;margin:0 0 1rem}.meter{margin:0 0 1.25rem}.meter p{margin:0 0 .35rem;font-size:1.05rem}.bar{height:.9rem;background:#e9ecef;border-radius:99px;overflow:hidden}.bar span{display:block;height:100%;background:#2b8a3e}blockquote{margin:0 0 1rem;padding:.75rem 1rem;border-left:4px solid #1c5fb8;background:#f8f9fa}textarea{width:100%;font:inherit;padding:.65rem .75rem;border:1px solid #868e96;border-radius:8px;min-height:5rem}.check{display:flex;gap:.6rem;align-items:flex-start;margin:0 0 1rem}.check input{width:1.4rem;height:1.4rem;margin:.15rem 0 0;flex:none}.check label{font-weight:400;margin:0}a.btn{display:block;text-align:center;padding:.8rem 1rem;border-radius:8px;background:#1c5fb8;color:#fff;font-weight:700;text-decoration:none;margin:0 0 .6rem}a.btn.alt{background:#e9ecef;color:#1a1b1e;font-weight:600}.signers{list-style:none;padding:0;margin:0}.signers li{padding:.35rem 0;border-bottom:1px solid #e9ecef}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}`;

const header = (ctx: PetitionContext, title: string) => html`<p class="org">${ctx.workspace.name}</p>
<h1>${title}</h1>`;

const footer = (lang: Lang, urls: PetitionUrls) =>
  html`<p class="lang"><a href="${urls.otherLanguage}" hreflang="${COPY[lang].otherLanguage.lang}" lang="${COPY[lang].otherLanguage.lang}">${COPY[lang].otherLanguage.label}</a></p>`;

function meter(ctx: PetitionContext, lang: Lang): SafeHtml {
  const n = ctx.action.taken_count;
  const goal = ctx.action.goal;
  const percent = goal ? Math.min(100, Math.round((n / goal) * 100)) : null;
  return html`<div class="meter"><p><strong data-count="${n}">${PETITION_COPY[lang].count(n, goal)}</strong></p>${
    percent !== null ? html`<div class="bar" aria-hidden="true"><span style="width:${percent}%"></span></div>` : ''
  }</div>`;
}

function og(ctx: PetitionContext, lang: Lang, urls: PetitionUrls) {
  const description = (ctx.action.summary.trim() || ctx.action.description.trim() || ctx.action.title).slice(0, 200);
  return { title: ctx.action.title, description, url: urls.canonical, siteName: ctx.workspace.name, locale: COPY[lang].locale };
}

type Field = {
  name: Exclude<PetitionField, 'consent' | 'comment'>;
  label: string;
  type: 'text' | 'tel' | 'email';
  autocomplete: string;
  optional?: boolean;
  /** One of several fields is needed (phone or email): neither is marked required nor optional. */
  either?: boolean;
  hint?: string;
  inputmode?: string;
};

function textField(field: Field, value: string, problem: PetitionProblem | undefined, lang: Lang, autofocus: boolean): SafeHtml {
  const t = PETITION_COPY[lang];
  const described = [field.hint ? `${field.name}-hint` : null, problem ? `${field.name}-error` : null].filter(Boolean).join(' ');
  return html`<div class="field">
<label for="${field.name}">${field.label}${field.optional ? html` <span class="opt">${COPY[lang].optional}</span>` : ''}</label>
${field.hint ? html`<p class="hint" id="${field.name}-hint">${field.hint}</p>` : ''}
<input id="${field.name}" name="${field.name}" type="${field.type}" value="${value}" autocomplete="${field.autocomplete}"${
    field.inputmode ? html` inputmode="${field.inputmode}"` : ''
  }${field.optional || field.either ? '' : html` required aria-required="true"`}${problem ? html` aria-invalid="true"` : ''}${
    described ? html` aria-describedby="${described}"` : ''
  }${autofocus ? html` autofocus` : ''} maxlength="${field.name === 'email' ? 254 : 80}">
${problem ? html`<p class="err" id="${field.name}-error">${t.problem(problem)}</p>` : ''}
</div>`;
}

const empty: PetitionValues = {
  firstName: '',
  lastName: '',
  email: '',
  phone: '',
  postalCode: '',
  comment: '',
  showName: false,
  consent: false,
};

/** The petition: what it asks and of whom, the count, the form (or that it is closed), the public signers. */
export function petitionPage(input: {
  ctx: PetitionContext;
  lang: Lang;
  urls: PetitionUrls;
  wording: string;
  wordingFingerprint: string;
  tracking: Tracking;
  signers: Signer[];
  values?: PetitionValues;
  problems?: Partial<Record<PetitionField, PetitionProblem>>;
  alreadySigned?: boolean;
  preview?: boolean;
}): string {
  const { ctx, lang, urls } = input;
  const t = PETITION_COPY[lang];
  const settings = ctx.settings;
  const values = input.values ?? empty;
  const problems = input.problems ?? {};
  // A draft's preview shows the form it will have; a closed action's shows what members see now.
  const open = ctx.action.status === 'published' || (input.preview === true && ctx.action.status === 'draft');
  const fields: Field[] = [
    { name: 'firstName', label: t.firstName, type: 'text', autocomplete: 'given-name' },
    { name: 'lastName', label: t.lastName, type: 'text', autocomplete: 'family-name', optional: true },
    { name: 'email', label: t.email, type: 'email', autocomplete: 'email', hint: t.phoneHint, either: true },
    { name: 'phone', label: t.phone, type: 'tel', autocomplete: 'tel', inputmode: 'tel', either: true },
    {
      name: 'postalCode',
      label: COPY[lang].postalCode(ctx.workspace.defaultCountry),
      type: 'text',
      autocomplete: 'postal-code',
      optional: true,
      ...(ctx.workspace.defaultCountry === 'US' ? { inputmode: 'numeric' } : {}),
    },
  ];
  const order: PetitionField[] = ['firstName', 'lastName', 'email', 'phone', 'postalCode', 'comment', 'consent'];
  const firstProblem = order.find((f) => problems[f]);
  const labelOf = (f: PetitionField) => (f === 'comment' ? t.comment : (fields.find((x) => x.name === f)?.label ?? f));
  const summary = firstProblem
    ? html`<div class="summary" role="alert">
<h2>${COPY[lang].errorSummary}</h2>
<ul>${order.map((f) => {
        const problem = problems[f];
        return problem ? html`<li><a href="#${f}">${f === 'consent' ? '' : html`${labelOf(f)}: `}${t.problem(problem)}</a></li>` : '';
      })}</ul>
</div>`
    : '';
  const commentProblem = problems.comment;
  const consentProblem = problems.consent;
  const form = html`<h2 id="sign">${t.formTitle}</h2>
${summary}
<form method="post" action="${urls.form}" novalidate>
<input type="hidden" name="lang" value="${lang}">
<input type="hidden" name="w" value="${input.wordingFingerprint}">
<input type="hidden" name="ref" value="${input.tracking.ref}">
<input type="hidden" name="source" value="${input.tracking.source}">
<input type="hidden" name="medium" value="${input.tracking.medium}">
${fields.map((f) => textField(f, values[f.name], problems[f.name], lang, firstProblem === f.name))}
${
  settings.askComment
    ? html`<div class="field">
<label for="comment">${t.comment} <span class="opt">${COPY[lang].optional}</span></label>
<textarea id="comment" name="comment" maxlength="1000"${commentProblem ? html` aria-invalid="true" aria-describedby="comment-error"` : ''}>${values.comment}</textarea>
${commentProblem ? html`<p class="err" id="comment-error">${t.problem(commentProblem)}</p>` : ''}
</div>`
    : ''
}
${
  settings.showSigners
    ? html`<div class="check"><input type="checkbox" id="showName" name="showName" value="1"${values.showName ? html` checked` : ''}>
<label for="showName">${t.showName}</label></div>`
    : ''
}
<div class="hp" aria-hidden="true">
<label for="website">${COPY[lang].honeypot}</label>
<input id="website" name="website" type="text" tabindex="-1" autocomplete="off">
</div>
<div class="field consent">
<input type="checkbox" id="consent" name="consent" value="1"${values.consent ? html` checked` : ''}${
    consentProblem ? html` aria-invalid="true" aria-describedby="consent-error"` : ''
  }>
<label for="consent">${input.wording}</label>
</div>
${consentProblem ? html`<p class="err" id="consent-error">${t.problem(consentProblem)}</p>` : ''}
<p></p>
<button type="submit">${t.submit}</button>
</form>`;

  const body = html`${header(ctx, ctx.action.title)}
${input.preview ? html`<p class="note sim" role="note">${t.preview}</p>` : ''}
${settings.target.trim() ? html`<p class="to">${t.to(settings.target)}</p>` : ''}
${meter(ctx, lang)}
${open ? '' : html`<p class="note" role="status">${t.closed}</p>`}
${input.alreadySigned ? html`<p class="note" role="status">${t.alreadyNote}</p>` : ''}
${ctx.action.description.trim() ? paragraphs(ctx.action.description) : ''}
${settings.letter.trim() ? html`<blockquote>${paragraphs(settings.letter)}</blockquote>` : ''}
${open ? form : ''}
${
  settings.showSigners && input.signers.length > 0
    ? html`<h2>${t.signersTitle}</h2>
<ul class="signers">${input.signers.map((s) => html`<li>${s.public_name ?? ''}${s.public_place ? html`, ${s.public_place}` : ''}</li>`)}</ul>`
    : ''
}
${footer(lang, urls)}`;
  return document(
    {
      lang,
      title: `${ctx.action.title} · ${ctx.workspace.name}`,
      description: og(ctx, lang, urls).description,
      og: og(ctx, lang, urls),
      styles: STYLES,
      ...(input.preview ? { noindex: true } : {}),
    },
    body,
  );
}

export type ShareLinks = { sms: string; whatsapp: string; facebook: string; x: string };

/** Where a signer goes after signing: the next action when there is one, else share links. */
export function thankYouPage(input: {
  ctx: PetitionContext;
  lang: Lang;
  already: boolean;
  firstName: string | null;
  count: number;
  next: { title: string; summary: string; url: string } | null;
  share: ShareLinks;
}): string {
  const { ctx, lang } = input;
  const t = PETITION_COPY[lang];
  const title = input.already ? t.alreadyTitle : t.thanksTitle(input.firstName);
  const nextStep = input.next
    ? html`<h2>${t.nextTitle}</h2>
<p><strong>${input.next.title}</strong></p>
${input.next.summary.trim() ? html`<p>${input.next.summary}</p>` : ''}
<a class="btn" href="${input.next.url}" data-next-step>${t.nextButton}</a>`
    : html`<h2>${t.shareTitle}</h2>
<p>${t.shareLead}</p>
<a class="btn" href="${input.share.sms}" data-share="sms">${t.shareSms}</a>
<a class="btn alt" href="${input.share.whatsapp}" data-share="whatsapp">${t.shareWhatsApp}</a>
<a class="btn alt" href="${input.share.facebook}" data-share="facebook">${t.shareFacebook}</a>
<a class="btn alt" href="${input.share.x}" data-share="x">${t.shareX}</a>`;
  const body = html`${header(ctx, title)}
<p role="status">${input.already ? t.already(ctx.action.title) : t.thanks(ctx.action.title, input.count)}</p>
${nextStep}
<p class="lang">${COPY[lang].optOutReminder}</p>`;
  return document({ lang, title: `${title} · ${ctx.workspace.name}`, noindex: true, styles: STYLES }, body);
}
