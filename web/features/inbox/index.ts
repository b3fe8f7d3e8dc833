// The inbox screens, loaded as one chunk on first visit.

export { CannedResponsesPage } from './components/canned-responses-page.tsx';
export { InboxPage } from './components/inbox-page.tsx';
