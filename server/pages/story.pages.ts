import { MAX_STORY, type StoryContext, type StoryField, type StoryProblem } from '../modules/stories/story-submitting.ts';
import { document, html, paragraphs, type SafeHtml } from './html.ts';
import { COPY, type Lang } from './i18n.ts';
import { STORY_COPY } from './story.copy.ts';

// Templates of a story action's public pages: the form, the thank-you page and the spotlight. Conventions in html.ts.

export type StoryUrls = {
  /** The form's own path (with ?lang=). */
  form: string;
  /** The spotlight's path (with ?lang=). */
  spotlight: string;
  /** The absolute, canonical address (OpenGraph, the consent ledger). */
  canonical: string;
  otherLanguage: string;
  spotlightOtherLanguage: string;
};

export type StoryValues = {
  story: string;
  firstName: string;
  city: string;
  email: string;
  phone: string;
  display: 'name' | 'anonymous';
  publish: boolean;
  consent: boolean;
};

type Approved = { public_id: string; body: string; display_name: string | null; photo_type: string | null };

const STYLES = `.prompt{font-size:1.2rem;font-weight:600;margin:0 0 1rem}textarea{width:100%;font:inherit;padding:.65rem .75rem;border:1px solid #868e96;border-radius:8px;min-height:9rem}input[type=file]{font:inherit;max-width:100%}fieldset{border:0;padding:0;margin:0 0 1rem}legend{font-weight:600;margin-bottom:.25rem}.radio,.check{display:flex;gap:.6rem;align-items:flex-start;margin:0 0 .5rem}.radio input,.check input{width:1.3rem;height:1.3rem;margin:.15rem 0 0;flex:none}.radio label,.check label{font-weight:400;margin:0}.story{margin:0 0 1.75rem;padding:0 0 1.25rem;border-bottom:1px solid #e9ecef}.story img{display:block;width:100%;height:auto;border-radius:8px;margin:0 0 .75rem;background:#e9ecef}.story blockquote{margin:0;font-size:1.05rem}.story cite{display:block;margin-top:.5rem;font-style:normal;font-weight:600;color:#495057}a.btn{display:block;text-align:center;padding:.8rem 1rem;border-radius:8px;background:#1c5fb8;color:#fff;font-weight:700;text-decoration:none;margin:1rem 0}.pager{display:flex;justify-content:space-between;gap:1rem}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}`;

const header = (ctx: StoryContext, title: string) => html`<p class="org">${ctx.workspace.name}</p>
<h1>${title}</h1>`;

const footer = (lang: Lang, urls: StoryUrls) =>
  html`<p class="lang"><a href="${urls.otherLanguage}" hreflang="${COPY[lang].otherLanguage.lang}" lang="${COPY[lang].otherLanguage.lang}">${COPY[lang].otherLanguage.label}</a></p>`;

function og(ctx: StoryContext, lang: Lang, url: string) {
  const description = (ctx.action.summary.trim() || ctx.settings.prompt.trim() || ctx.action.title).slice(0, 200);
  return { title: ctx.action.title, description, url, siteName: ctx.workspace.name, locale: COPY[lang].locale };
}

export const promptOf = (ctx: StoryContext, lang: Lang) => ctx.settings.prompt.trim() || STORY_COPY[lang].defaultPrompt;

type Field = {
  name: 'firstName' | 'city' | 'email' | 'phone';
  label: string;
  type: 'text' | 'tel' | 'email';
  autocomplete: string;
  optional?: boolean;
  either?: boolean;
  hint?: string;
  inputmode?: string;
};

function textField(field: Field, value: string, problem: StoryProblem | undefined, lang: Lang, autofocus: boolean): SafeHtml {
  const t = STORY_COPY[lang];
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

const empty: StoryValues = { story: '', firstName: '', city: '', email: '', phone: '', display: 'name', publish: false, consent: false };

/** The story action: its prompt, the form (or that it is closed) and the way to the spotlight. */
export function storyPage(input: {
  ctx: StoryContext;
  lang: Lang;
  urls: StoryUrls;
  smsWording: string;
  smsFingerprint: string;
  publishWording: string;
  publishFingerprint: string;
  source: string;
  values?: StoryValues;
  problems?: Partial<Record<StoryField, StoryProblem>>;
  /** A photo came with a form that had other problems: it must be chosen again. */
  photoAgain?: boolean;
}): string {
  const { ctx, lang, urls } = input;
  const t = STORY_COPY[lang];
  const values = input.values ?? empty;
  const problems = input.problems ?? {};
  const open = ctx.action.status === 'published';
  const fields: Field[] = [
    { name: 'firstName', label: t.firstName, type: 'text', autocomplete: 'given-name' },
    { name: 'city', label: t.city, type: 'text', autocomplete: 'address-level2', optional: true },
    { name: 'email', label: t.email, type: 'email', autocomplete: 'email', hint: t.contactHint, either: true },
    { name: 'phone', label: t.phone, type: 'tel', autocomplete: 'tel', inputmode: 'tel', either: true },
  ];
  const order: StoryField[] = ['story', 'photo', 'firstName', 'city', 'email', 'phone', 'publish', 'consent'];
  const labels: Record<StoryField, string> = {
    story: t.story,
    photo: t.photo,
    firstName: t.firstName,
    city: t.city,
    email: t.email,
    phone: t.phone,
    publish: '',
    consent: '',
  };
  const firstProblem = order.find((f) => problems[f]);
  const summary = firstProblem
    ? html`<div class="summary" role="alert">
<h2>${COPY[lang].errorSummary}</h2>
<ul>${order.map((f) => {
        const problem = problems[f];
        return problem ? html`<li><a href="#${f}">${labels[f] ? html`${labels[f]}: ` : ''}${t.problem(problem)}</a></li>` : '';
      })}</ul>
</div>`
    : '';
  const err = (f: StoryField) => {
    const problem = problems[f];
    return problem ? html`<p class="err" id="${f}-error">${t.problem(problem)}</p>` : '';
  };
  const invalid = (f: StoryField, hint?: string) => {
    const ids = [hint, problems[f] ? `${f}-error` : null].filter(Boolean).join(' ');
    return html`${problems[f] ? html` aria-invalid="true"` : ''}${ids ? html` aria-describedby="${ids}"` : ''}`;
  };
  const form = html`<h2 id="tell">${t.formTitle}</h2>
${summary}
<form method="post" action="${urls.form}" enctype="multipart/form-data" novalidate>
<input type="hidden" name="lang" value="${lang}">
<input type="hidden" name="w" value="${input.smsFingerprint}">
<input type="hidden" name="pw" value="${input.publishFingerprint}">
<input type="hidden" name="source" value="${input.source}">
<div class="field">
<label for="story">${t.story}</label>
<p class="hint" id="story-hint">${t.storyHint(MAX_STORY)}</p>
<textarea id="story" name="story" maxlength="${MAX_STORY}" required aria-required="true"${invalid('story', 'story-hint')}${
    firstProblem === 'story' ? html` autofocus` : ''
  }>${values.story}</textarea>
${err('story')}
</div>
${
  ctx.settings.askPhoto
    ? html`<div class="field">
<label for="photo">${t.photo} <span class="opt">${COPY[lang].optional}</span></label>
<p class="hint" id="photo-hint">${t.photoHint}</p>
${input.photoAgain && !problems.photo ? html`<p class="note" role="status">${t.photoAgain}</p>` : ''}
<input id="photo" name="photo" type="file" accept="image/jpeg,image/png,image/webp"${invalid('photo', 'photo-hint')}>
${err('photo')}
</div>`
    : ''
}
${fields.map((f) => textField(f, values[f.name], problems[f.name], lang, firstProblem === f.name))}
<fieldset>
<legend>${t.displayLegend}</legend>
<div class="radio"><input type="radio" id="display-name" name="display" value="name"${values.display === 'name' ? html` checked` : ''}>
<label for="display-name">${t.displayName}</label></div>
<div class="radio"><input type="radio" id="display-anonymous" name="display" value="anonymous"${
    values.display === 'anonymous' ? html` checked` : ''
  }>
<label for="display-anonymous">${t.displayAnonymous}</label></div>
</fieldset>
<div class="hp" aria-hidden="true">
<label for="website">${COPY[lang].honeypot}</label>
<input id="website" name="website" type="text" tabindex="-1" autocomplete="off">
</div>
<div class="field consent">
<input type="checkbox" id="publish" name="publish" value="1" required aria-required="true"${values.publish ? html` checked` : ''}${invalid('publish')}>
<label for="publish">${input.publishWording}</label>
</div>
${err('publish')}
<div class="field consent">
<input type="checkbox" id="consent" name="consent" value="1"${values.consent ? html` checked` : ''}${invalid('consent')}>
<label for="consent">${input.smsWording}</label>
</div>
${err('consent')}
<p></p>
<button type="submit">${t.submit}</button>
</form>`;

  const body = html`${header(ctx, ctx.action.title)}
${open ? '' : html`<p class="note" role="status">${t.closed}</p>`}
<p class="prompt">${promptOf(ctx, lang)}</p>
${ctx.action.description.trim() ? paragraphs(ctx.action.description) : ''}
${open ? form : ''}
<p><a href="${urls.spotlight}" data-spotlight>${t.readStories}</a></p>
${footer(lang, urls)}`;
  return document(
    {
      lang,
      title: `${ctx.action.title} · ${ctx.workspace.name}`,
      description: og(ctx, lang, urls.canonical).description,
      og: og(ctx, lang, urls.canonical),
      styles: STYLES,
    },
    body,
  );
}

/** After sending: the story waits for a moderator. */
export function storyThanksPage(input: { ctx: StoryContext; lang: Lang; urls: StoryUrls; firstName: string | null }): string {
  const { ctx, lang } = input;
  const t = STORY_COPY[lang];
  const title = t.thanksTitle(input.firstName);
  const body = html`${header(ctx, title)}
<p role="status">${t.thanks}</p>
<a class="btn" href="${input.urls.spotlight}">${t.backToStories}</a>
<p class="lang">${COPY[lang].optOutReminder}</p>`;
  return document({ lang, title: `${title} · ${ctx.workspace.name}`, noindex: true, styles: STYLES }, body);
}

/** The spotlight: approved stories with the name each teller chose and their photo. */
export function spotlightPage(input: {
  ctx: StoryContext;
  lang: Lang;
  urls: StoryUrls;
  stories: Approved[];
  photoUrl: (publicId: string) => string;
  page: number;
  more: boolean;
}): string {
  const { ctx, lang, urls } = input;
  const t = STORY_COPY[lang];
  const pageUrl = (n: number) => `${urls.spotlight}${n > 1 ? `&page=${n}` : ''}`;
  const stories = input.stories.map(
    (s) => html`<article class="story">
${s.photo_type ? html`<img src="${input.photoUrl(s.public_id)}" alt="${t.photoAlt(s.display_name)}" loading="lazy">` : ''}
<blockquote>${paragraphs(s.body)}</blockquote>
<cite>${s.display_name ?? t.anonymous}</cite>
</article>`,
  );
  const body = html`${header(ctx, t.spotlightTitle(ctx.action.title))}
<p class="prompt">${promptOf(ctx, lang)}</p>
${input.stories.length === 0 ? html`<p class="note" role="status">${t.spotlightEmpty}</p>` : stories}
${
  input.page > 1 || input.more
    ? html`<p class="pager">${input.page > 1 ? html`<a href="${pageUrl(input.page - 1)}">${t.newer}</a>` : html`<span></span>`}${
        input.more ? html`<a href="${pageUrl(input.page + 1)}">${t.older}</a>` : ''
      }</p>`
    : ''
}
${ctx.action.status === 'published' ? html`<a class="btn" href="${urls.form}">${t.tellYours}</a>` : ''}
${footer(lang, { ...urls, otherLanguage: urls.spotlightOtherLanguage })}`;
  return document(
    {
      lang,
      title: `${t.spotlightTitle(ctx.action.title)} · ${ctx.workspace.name}`,
      description: og(ctx, lang, `${urls.canonical}/stories`).description,
      og: { ...og(ctx, lang, `${urls.canonical}/stories`), title: t.spotlightTitle(ctx.action.title) },
      styles: STYLES,
    },
    body,
  );
}
