import { compileTemplates, type TemplateMember, validateTemplates } from '../messaging/templates.ts';

// Saved replies are Liquid like broadcast templates ({{ member.first_name | default: "friend" }}, {{ workspace.name }})
// and are rendered by the same code (messaging/templates.ts). They also know who is answering: {{ texter.first_name }}
// and {{ texter.name }}. The broadcast templates have no texter, so those two are written into the source as string
// literals before it is handed over — filters keep working on them ({{ texter.first_name | upcase }}).

export type Texter = { name: string };

const MARKUP = /{{[\s\S]*?}}|{%[\s\S]*?%}/g;
const TEXTER_VARIABLE = /\btexter\.(first_name|name)\b/g;

/** A Liquid string literal holding `value` (Liquid has no escapes: quotes inside a name are dropped). */
const literal = (value: string) => `"${value.replace(/"/g, '')}"`;

export const firstNameOf = (name: string) => name.trim().split(/\s+/)[0] ?? '';

function withTexter(source: string, texter: Texter): string {
  return source.replace(MARKUP, (markup) =>
    markup.replace(TEXTER_VARIABLE, (_match, field: string) => literal(field === 'name' ? texter.name : firstNameOf(texter.name))),
  );
}

/** Problems with a saved reply's body (Liquid syntax, unknown variables), as readable sentences; empty when fine. */
export function cannedProblems(body: string): string[] {
  return validateTemplates({ en: withTexter(body, { name: 'Sam Texter' }) }, 'en').map((problem) => problem.message);
}

/** The saved reply as this member would receive it from this texter. */
export function renderCanned(body: string, context: { member: TemplateMember; texter: Texter; workspace: { name: string } }): string {
  try {
    const templates = compileTemplates({ en: withTexter(body, context.texter) }, 'en');
    return templates.render('en', { member: context.member, community: null, workspace: context.workspace });
  } catch {
    // A body saved before a stricter check, say: the person still sees it and edits it before sending.
    return body;
  }
}
