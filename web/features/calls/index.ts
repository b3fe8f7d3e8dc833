// The calls screens, loaded as one chunk on first visit.

export { CallPage } from './components/call-page.tsx';
export { CallTargetsPage } from './components/call-targets-page.tsx';
export { CallsPage } from './components/calls-page.tsx';
