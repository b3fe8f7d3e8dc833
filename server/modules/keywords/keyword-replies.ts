import type { KeywordTarget } from '../../db/schema.ts';
import { compileTemplates, type TemplateContext, validateTemplates } from '../messaging/templates.ts';

// A keyword's auto-reply is a message template (messaging/templates.ts: {{ member.first_name }}, {{ community.name }},
// {{ workspace.name }}) plus {{ link }}, the keyword's link. Templates know no `link` variable, so it is swapped for a
// marker before Liquid sees the text and for the address after; an action's keyword also knows {{ action.title }}.

const LINK_TAG = /{{-?\s*link\s*-?}}/g;
const MARKER = '\u0001link\u0001';
const ACTION_TAG = /{{-?\s*action\.title\s*-?}}/g;
const ACTION_MARKER = '\u0001action\u0001';

/** What is wrong with an auto-reply, as field messages ("line 1: unknown tag …"); empty when it is fine. */
export function replyProblems(source: string): string[] {
  const text = source.replace(LINK_TAG, MARKER).replace(ACTION_TAG, ACTION_MARKER);
  if (!text.includes('{{') && !text.includes('{%')) return [];
  return validateTemplates({ en: text }, 'en').map((problem) =>
    problem.message.replace('use member.*, community.* or workspace.*', 'use member.*, community.*, workspace.*, link or action.title'),
  );
}

/** The reply a keyword sends when it has none of its own. */
export function defaultReply(target: KeywordTarget): string | null {
  switch (target) {
    case 'community':
      return 'Welcome to {{ community.name }}!';
    case 'link':
      return 'Here is your link: {{ link }}';
    case 'action':
      return '{{ action.title }}: {{ link }}';
    default:
      return null; // a survey's intro and first question say enough; a 'reply' keyword always has its own
  }
}

export function renderReply(source: string, context: TemplateContext & { link: string | null; action?: { title: string } }): string {
  const compiled = compileTemplates({ en: source.replace(LINK_TAG, MARKER).replace(ACTION_TAG, ACTION_MARKER) }, 'en');
  return compiled
    .render(context.member.language, context)
    .split(MARKER)
    .join(context.link ?? '')
    .split(ACTION_MARKER)
    .join(context.action?.title ?? '');
}
