import type { Keyword, KeywordMatch, KeywordTarget } from '../api/list-keywords.ts';

export const TARGET_LOOK: Record<KeywordTarget, { label: string; hint: string }> = {
  community: { label: 'Join a community', hint: 'Members join (asked to reply YES first when we have no consent yet).' },
  survey: { label: 'Start a survey', hint: 'The survey’s questions follow by text.' },
  action: {
    label: 'Send an action’s page',
    hint: 'Members get a short link of their own to a petition or event page, which opens with their details filled in.',
  },
  link: { label: 'Send a link', hint: 'Members get a link back: a petition, a donation page, a sign-up form.' },
  reply: { label: 'Auto-reply', hint: 'Members get your text back; nothing else happens.' },
};

export const MATCH_LOOK: Record<KeywordMatch, { label: string; example: (word: string) => string }> = {
  exact: { label: 'Whole text', example: (word) => `“${word}” or “${word.toLowerCase()}!”` },
  first_word: { label: 'First word', example: (word) => `also “${word} please add me”` },
};

/** "Joins Climate – Austin", "Sends https://…": what texting the word does, in a few words. */
export function whatItDoes(keyword: Keyword): string {
  const name = keyword.targetName ?? 'a deleted target';
  switch (keyword.targetType) {
    case 'community':
      return `Joins ${name}${keyword.targetArchived ? ' (archived)' : ''}`;
    case 'survey':
      return `Starts ${name}${keyword.targetArchived ? ' (closed)' : ''}`;
    case 'link':
      return `Sends ${keyword.linkUrl ?? 'a link'}`;
    case 'action':
      return `Sends the page of ${name}${keyword.targetArchived ? ' (closed)' : ''}`;
    default:
      return 'Replies';
  }
}

/** The auto-reply as the table shows it: the organizer's text, else what members get by default. */
export function replySummary(keyword: Keyword): string {
  if (keyword.reply) return keyword.reply;
  switch (keyword.targetType) {
    case 'community':
      return 'Default: “Welcome to {{ community.name }}!”';
    case 'link':
      return 'Default: “Here is your link: {{ link }}”';
    case 'action':
      return 'Default: “{{ action.title }}: {{ link }}”';
    default:
      return 'None';
  }
}
