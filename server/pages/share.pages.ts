import type { FieldProblem } from '../modules/communities/join.service.ts';
import type { ShareButton, ShareContext, ShareField } from '../modules/shares/share-page.service.ts';
import { document, html, paragraphs, type SafeHtml } from './html.ts';
import { COPY, type Lang } from './i18n.ts';
import { SHARE_COPY } from './share.copy.ts';

// Templates of a share action's public page: who you are (unless known from a text link), then the suggested posts
// with one-tap buttons. Conventions in html.ts (escaped templates, no scripts, mobile first, small).

export type ShareUrls = { form: string; canonical: string; otherLanguage: string };
export type ShareValues = { firstName: string; phone: string; consent: boolean };
export type ShareTracking = { ref: string; source: string; medium: string };

const STYLES = `.post{border:1px solid #dee2e6;border-radius:8px;padding:.75rem 1rem;margin:0 0 1rem}.post p{margin:0 0 .6rem;white-space:pre-wrap}.post .tags{color:#1c5fb8}a.btn{display:block;text-align:center;padding:.8rem 1rem;border-radius:8px;background:#1c5fb8;color:#fff;font-weight:700;text-decoration:none}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}.label{font-size:.85rem;color:#495057;margin:0 0 .25rem;font-weight:600}`;

const header = (ctx: ShareContext, title: string) => html`<p class="org">${ctx.workspace.name}</p>
<h1>${title}</h1>`;

const footer = (lang: Lang, urls: ShareUrls) =>
  html`<p class="lang"><a href="${urls.otherLanguage}" hreflang="${COPY[lang].otherLanguage.lang}" lang="${COPY[lang].otherLanguage.lang}">${COPY[lang].otherLanguage.label}</a></p>`;

function meta(ctx: ShareContext, lang: Lang, urls: ShareUrls, title: string, noindex = false) {
  const description = (ctx.action.summary.trim() || ctx.action.description.trim() || ctx.action.title).slice(0, 200);
  return {
    lang,
    title: `${title} · ${ctx.workspace.name}`,
    description,
    og: { title: ctx.action.title, description, url: urls.canonical, siteName: ctx.workspace.name, locale: COPY[lang].locale },
    styles: STYLES,
    ...(noindex ? { noindex: true } : {}),
  };
}

function field(
  name: 'firstName' | 'phone',
  label: string,
  value: string,
  problem: FieldProblem | undefined,
  lang: Lang,
  autofocus: boolean,
): SafeHtml {
  const type = name === 'phone' ? 'tel' : 'text';
  return html`<div class="field">
<label for="${name}">${label}</label>
<input id="${name}" name="${name}" type="${type}" value="${value}" autocomplete="${name === 'phone' ? 'tel' : 'given-name'}"${
    name === 'phone' ? html` inputmode="tel"` : ''
  } required aria-required="true" maxlength="80"${problem ? html` aria-invalid="true" aria-describedby="${name}-error"` : ''}${autofocus ? html` autofocus` : ''}>
${problem ? html`<p class="err" id="${name}-error">${COPY[lang].problem(problem)}</p>` : ''}
</div>`;
}

/** The page for someone not known yet: what the campaign is, and name + number to get their own links. */
export function shareFormPage(input: {
  ctx: ShareContext;
  lang: Lang;
  urls: ShareUrls;
  wording: string;
  wordingFingerprint: string;
  tracking: ShareTracking;
  values?: ShareValues;
  problems?: Partial<Record<ShareField, FieldProblem>>;
}): string {
  const { ctx, lang, urls } = input;
  const t = SHARE_COPY[lang];
  const values = input.values ?? { firstName: '', phone: '', consent: false };
  const problems = input.problems ?? {};
  const order: ShareField[] = ['firstName', 'phone', 'consent'];
  const firstProblem = order.find((f) => problems[f]);
  const labels: Record<ShareField, string> = { firstName: t.firstName, phone: t.phone, consent: '' };
  const open = ctx.action.status === 'published';
  const summary = firstProblem
    ? html`<div class="summary" role="alert"><h2>${COPY[lang].errorSummary}</h2><ul>${order.map((f) => {
        const problem = problems[f];
        return problem ? html`<li><a href="#${f}">${labels[f] ? html`${labels[f]}: ` : ''}${COPY[lang].problem(problem)}</a></li>` : '';
      })}</ul></div>`
    : '';
  const form = html`<h2>${t.formTitle}</h2>
<p>${t.formLead}</p>
${summary}
<form method="post" action="${urls.form}" novalidate>
<input type="hidden" name="lang" value="${lang}">
<input type="hidden" name="w" value="${input.wordingFingerprint}">
<input type="hidden" name="ref" value="${input.tracking.ref}">
<input type="hidden" name="source" value="${input.tracking.source}">
<input type="hidden" name="medium" value="${input.tracking.medium}">
${field('firstName', t.firstName, values.firstName, problems.firstName, lang, firstProblem === 'firstName')}
${field('phone', t.phone, values.phone, problems.phone, lang, firstProblem === 'phone')}
<div class="hp" aria-hidden="true"><label for="website">${COPY[lang].honeypot}</label><input id="website" name="website" type="text" tabindex="-1" autocomplete="off"></div>
<div class="field consent">
<input type="checkbox" id="consent" name="consent" value="1"${values.consent ? html` checked` : ''}${problems.consent ? html` aria-invalid="true" aria-describedby="consent-error"` : ''}>
<label for="consent">${input.wording}</label>
</div>
${problems.consent ? html`<p class="err" id="consent-error">${COPY[lang].problem(problems.consent)}</p>` : ''}
<p></p>
<button type="submit">${t.submit}</button>
</form>`;
  const body = html`${header(ctx, ctx.action.title)}
${open ? '' : html`<p class="note" role="status">${t.closed}</p>`}
${ctx.action.description.trim() ? paragraphs(ctx.action.description) : ''}
${open ? form : ''}
${footer(lang, urls)}`;
  return document(meta(ctx, lang, urls, ctx.action.title), body);
}

/** The toolkit: each suggested post with its one-tap button (through our counting redirect). */
export function shareToolkitPage(input: {
  ctx: ShareContext;
  lang: Lang;
  urls: ShareUrls;
  firstName: string | null;
  buttons: ShareButton[];
  preview?: boolean;
}): string {
  const { ctx, lang, urls } = input;
  const t = SHARE_COPY[lang];
  const title = t.readyTitle(input.firstName);
  // A draft's preview shows the form it will have; a closed action's shows what members see now.
  const open = ctx.action.status === 'published' || (input.preview === true && ctx.action.status === 'draft');
  const posts = input.buttons.map(
    (b) => html`<section class="post" aria-labelledby="post-${b.network}">
<p class="label" id="post-${b.network}">${t.button[b.network]}</p>
${b.post.text.trim() ? html`<p>${b.post.text}${b.post.hashtags.length > 0 ? html` <span class="tags">${b.post.hashtags.map((tag) => `#${tag}`).join(' ')}</span>` : ''}</p>` : ''}
<a class="btn" href="${b.href}" rel="nofollow" data-network="${b.network}">${t.button[b.network]}</a>
</section>`,
  );
  const body = html`${header(ctx, title)}
${input.preview ? html`<p class="note sim" role="note">${t.preview}</p>` : ''}
${open ? '' : html`<p class="note" role="status">${t.closed}</p>`}
<p><strong>${ctx.action.title}</strong></p>
${ctx.action.description.trim() ? paragraphs(ctx.action.description) : ''}
${open ? html`<p>${t.readyLead}</p>${posts}` : ''}
<p class="lang"><a href="${urls.form}">${t.notYou}</a></p>
${footer(lang, urls)}`;
  return document(meta(ctx, lang, urls, title, true), body);
}
