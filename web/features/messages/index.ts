// The messaging screens, loaded as one chunk when a person first opens Messages.
export { BroadcastComposerPage } from './components/composer-page.tsx';
export { MessagesPage } from './components/messages-page.tsx';
export { BroadcastReportPage } from './components/report-page.tsx';
