// The Actions overview, loaded on first visit.
export { ActionsPage } from './components/actions-page.tsx';
