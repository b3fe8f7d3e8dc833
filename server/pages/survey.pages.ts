import { MAX_TEXT_ANSWER } from '../modules/surveys/answer-parsing.ts';
import type { Question } from '../modules/surveys/survey-engine.ts';
import { answerField, type SurveyProblem, type WebSurveyContext } from '../modules/surveys/web-survey.ts';
import { document, html, paragraphs, type SafeHtml } from './html.ts';
import { COPY, type Lang } from './i18n.ts';
import { SURVEY_COPY } from './survey.copy.ts';

// Templates of a survey's public page and the page after answering. Conventions in html.ts: every question is a
// plain form field (radio buttons or a text area), so the page works without JavaScript.

export type SurveyUrls = {
  /** The form's own path (with ?lang=). */
  form: string;
  /** The absolute, canonical address (OpenGraph, the consent ledger). */
  canonical: string;
  otherLanguage: string;
};

export type SurveyValues = {
  /** Raw values by field name (q<question id>). */
  answers: Record<string, string>;
  firstName: string;
  phone: string;
  email: string;
  consent: boolean;
};

// The survey page's own styles (question fieldsets, option rows, the number scale), on top of the shared sheet.
const STYLES =
  'fieldset{border:0;padding:0;margin:0 0 1.25rem;min-width:0}legend{font-weight:600;padding:0;margin:0 0 .4rem}' +
  '.num{display:block;color:#495057;font-size:.85rem;font-weight:600}' +
  '.opts label{display:flex;gap:.6rem;align-items:center;font-weight:400;padding:.55rem .75rem;border:1px solid #ced4da;border-radius:8px;margin:0 0 .4rem;cursor:pointer}' +
  '.opts input{width:1.3rem;height:1.3rem;margin:0;flex:none}' +
  '.scale{display:flex;flex-wrap:wrap;gap:.35rem}.scale label{flex:1 0 2.5rem;flex-direction:column;gap:.2rem;padding:.45rem 0;margin:0;text-align:center}' +
  'textarea{width:100%;font:inherit;padding:.65rem .75rem;border:1px solid #868e96;border-radius:8px;min-height:6rem}' +
  'textarea[aria-invalid=true]{border:2px solid #c92a2a}textarea:focus{outline:3px solid #f59f00;outline-offset:2px}' +
  'h2{font-size:1.2rem;margin:1.5rem 0 .5rem}.outro{font-size:1.1rem}';

const header = (ctx: WebSurveyContext, title: string) => html`<p class="org">${ctx.workspace.name}</p>
<h1>${title}</h1>`;

const footer = (lang: Lang, urls: SurveyUrls) =>
  html`<p class="lang"><a href="${urls.otherLanguage}" hreflang="${COPY[lang].otherLanguage.lang}" lang="${COPY[lang].otherLanguage.lang}">${COPY[lang].otherLanguage.label}</a></p>`;

function og(ctx: WebSurveyContext, lang: Lang, urls: SurveyUrls) {
  const description = (ctx.action.summary.trim() || ctx.survey.intro.trim() || ctx.survey.name).slice(0, 200);
  return { title: ctx.survey.name, description, url: urls.canonical, siteName: ctx.workspace.name, locale: COPY[lang].locale };
}

/** The answers a question offers as radio buttons: [value, label]. */
function options(question: Question, lang: Lang): [string, string][] {
  const t = SURVEY_COPY[lang];
  switch (question.kind) {
    case 'choice':
      return question.choices.map((c) => [c.key, c.label]);
    case 'scale':
    case 'nps': {
      const [min, max] = question.kind === 'nps' ? [0, 10] : [question.min, question.max];
      return Array.from({ length: max - min + 1 }, (_, i) => [String(min + i), String(min + i)]);
    }
    case 'yes_no':
      return [
        ['yes', t.yes],
        ['no', t.no],
      ];
    case 'text':
      return [];
  }
}

function hintOf(question: Question, lang: Lang): string | null {
  const t = SURVEY_COPY[lang];
  if (question.kind === 'scale') return t.scaleHint(question.min, question.max);
  if (question.kind === 'nps') return t.npsHint;
  if (question.kind === 'text') return t.textHint(MAX_TEXT_ANSWER);
  return null;
}

/** The id a problem's link in the summary points at: the text area, or a question's first radio button. */
const targetOf = (question: Question) => (question.kind === 'text' ? answerField(question.id) : `${answerField(question.id)}-0`);

function questionField(question: Question, value: string, problem: SurveyProblem | undefined, lang: Lang, autofocus: boolean): SafeHtml {
  const t = SURVEY_COPY[lang];
  const name = answerField(question.id);
  const hint = hintOf(question, lang);
  const described = [hint ? `${name}-hint` : null, problem ? `${name}-error` : null].filter(Boolean).join(' ');
  const hintHtml = hint ? html`<p class="hint" id="${name}-hint">${hint}</p>` : '';
  const errorHtml = problem ? html`<p class="err" id="${name}-error">${t.problem(problem)}</p>` : '';
  const number = html`<span class="num">${t.questionLabel(question.position)}</span>`;
  if (question.kind === 'text') {
    return html`<div class="field" data-question="${question.id}">
<label for="${name}">${number}${question.prompt}</label>
${hintHtml}
<textarea id="${name}" name="${name}" maxlength="${MAX_TEXT_ANSWER}" rows="4" required aria-required="true"${
      problem ? html` aria-invalid="true"` : ''
    }${described ? html` aria-describedby="${described}"` : ''}${autofocus ? html` autofocus` : ''}>${value}</textarea>
${errorHtml}
</div>`;
  }
  const scale = question.kind === 'scale' || question.kind === 'nps';
  return html`<fieldset data-question="${question.id}"${described ? html` aria-describedby="${described}"` : ''}>
<legend>${number}${question.prompt}</legend>
${hintHtml}
<div class="opts${scale ? ' scale' : ''}">${options(question, lang).map(
    ([optionValue, label], i) =>
      html`<label for="${name}-${i}"><input type="radio" id="${name}-${i}" name="${name}" value="${optionValue}"${
        value === optionValue ? html` checked` : ''
      }${i === 0 ? html` required` : ''}${problem ? html` aria-invalid="true"` : ''}${autofocus && i === 0 ? html` autofocus` : ''}>${label}</label>`,
  )}</div>
${errorHtml}
</fieldset>`;
}

type ContactField = {
  name: 'firstName' | 'phone' | 'email';
  label: string;
  type: string;
  autocomplete: string;
  optional?: boolean;
  hint?: string;
};

function contactField(field: ContactField, value: string, problem: SurveyProblem | undefined, lang: Lang, autofocus: boolean): SafeHtml {
  const t = SURVEY_COPY[lang];
  const described = [field.hint ? `${field.name}-hint` : null, problem ? `${field.name}-error` : null].filter(Boolean).join(' ');
  return html`<div class="field">
<label for="${field.name}">${field.label}${field.optional ? html` <span class="opt">${COPY[lang].optional}</span>` : ''}</label>
${field.hint ? html`<p class="hint" id="${field.name}-hint">${field.hint}</p>` : ''}
<input id="${field.name}" name="${field.name}" type="${field.type}" value="${value}" autocomplete="${field.autocomplete}"${
    field.type === 'tel' ? html` inputmode="tel"` : ''
  }${field.optional ? '' : html` required aria-required="true"`}${problem ? html` aria-invalid="true"` : ''}${
    described ? html` aria-describedby="${described}"` : ''
  }${autofocus ? html` autofocus` : ''} maxlength="${field.name === 'email' ? 254 : 80}">
${problem ? html`<p class="err" id="${field.name}-error">${t.problem(problem)}</p>` : ''}
</div>`;
}

const empty: SurveyValues = { answers: {}, firstName: '', phone: '', email: '', consent: false };

/** The survey: its intro, every question as a field, who answers, the optional SMS consent; or that it is closed. */
export function surveyPage(input: {
  ctx: WebSurveyContext;
  lang: Lang;
  urls: SurveyUrls;
  wording: string;
  wordingFingerprint: string;
  values?: SurveyValues;
  problems?: Record<string, SurveyProblem>;
  alreadyAnswered?: boolean;
  /** Where the respondent came from (?ref= share code, source), carried across the form post. */
  tracking?: { ref: string; source: string };
}): string {
  const { ctx, lang, urls } = input;
  const t = SURVEY_COPY[lang];
  const values = input.values ?? empty;
  const problems = input.problems ?? {};
  const open = ctx.action.status === 'published' && ctx.survey.status === 'open';
  const contacts: ContactField[] = [
    { name: 'firstName', label: t.firstName, type: 'text', autocomplete: 'given-name' },
    { name: 'phone', label: t.phone, type: 'tel', autocomplete: 'tel', hint: t.phoneHint },
    { name: 'email', label: t.email, type: 'email', autocomplete: 'email', optional: true },
  ];
  // The summary lists problems in the order of the page, each linked to its field.
  const order: { field: string; target: string; label: string }[] = [
    ...ctx.questions.map((q) => ({ field: answerField(q.id), target: targetOf(q), label: t.questionLabel(q.position) })),
    ...contacts.map((c) => ({ field: c.name, target: c.name, label: c.label })),
    { field: 'consent', target: 'consent', label: '' },
  ];
  const listed = order.filter((o) => problems[o.field]);
  const first = listed[0]?.field;
  const summary =
    listed.length > 0
      ? html`<div class="summary" role="alert" tabindex="-1">
<h2>${COPY[lang].errorSummary}</h2>
<ul>${listed.map((o) => {
          const problem = problems[o.field];
          return problem ? html`<li><a href="#${o.target}">${o.label ? html`${o.label}: ` : ''}${t.problem(problem)}</a></li>` : '';
        })}</ul>
</div>`
      : '';
  const consentProblem = problems.consent;
  const form = html`<form method="post" action="${urls.form}" novalidate>
<input type="hidden" name="lang" value="${lang}">
<input type="hidden" name="w" value="${input.wordingFingerprint}">
<input type="hidden" name="ref" value="${input.tracking?.ref ?? ''}">
<input type="hidden" name="source" value="${input.tracking?.source ?? ''}">
${ctx.questions.map((q) => questionField(q, values.answers[answerField(q.id)] ?? '', problems[answerField(q.id)], lang, first === answerField(q.id)))}
<h2>${t.aboutYou}</h2>
${contacts.map((c) => contactField(c, values[c.name], problems[c.name], lang, first === c.name))}
<div class="hp" aria-hidden="true">
<label for="website">${COPY[lang].honeypot}</label>
<input id="website" name="website" type="text" tabindex="-1" autocomplete="off" value="">
</div>
<div class="field">
<div class="consent">
<input id="consent" name="consent" type="checkbox" value="yes"${values.consent ? html` checked` : ''}${
    consentProblem ? html` aria-invalid="true" aria-describedby="consent-error"` : ''
  }${first === 'consent' ? html` autofocus` : ''}>
<label for="consent">${input.wording}</label>
</div>
${consentProblem ? html`<p class="err" id="consent-error">${t.problem(consentProblem)}</p>` : ''}
</div>
<button type="submit">${t.submit}</button>
</form>`;
  const body = html`${header(ctx, ctx.survey.name)}
${ctx.survey.intro.trim() ? paragraphs(ctx.survey.intro) : ''}
${!open ? html`<p class="note" role="status">${t.closed}</p>` : input.alreadyAnswered ? html`<p class="note" role="status">${t.alreadyNote}</p>` : html`${summary}${form}`}
${footer(lang, urls)}`;
  const card = og(ctx, lang, urls);
  return document(
    { lang, title: `${ctx.survey.name} · ${ctx.workspace.name}`, description: card.description, og: card, styles: STYLES },
    body,
  );
}

/** After answering: the survey's thank-you text, or that this person had already answered. */
export function thankYouPage(input: {
  ctx: WebSurveyContext;
  lang: Lang;
  already: boolean;
  firstName: string | null;
  consented: boolean;
}): string {
  const { ctx, lang } = input;
  const t = SURVEY_COPY[lang];
  const title = input.already ? t.alreadyTitle : t.thanksTitle(input.firstName);
  const outro = ctx.survey.outro.trim();
  const body = html`${header(ctx, title)}
<div role="status">${input.already ? html`<p>${t.already(ctx.survey.name)}</p>` : outro ? html`<div class="outro">${paragraphs(outro)}</div>` : html`<p>${t.thanks}</p>`}</div>
${input.consented && !input.already ? html`<p>${t.optOutReminder}</p>` : ''}`;
  return document({ lang, title: `${title} · ${ctx.workspace.name}`, noindex: true, styles: STYLES }, body);
}
