// The keywords screens, loaded as one chunk on first visit.
export { KeywordsPage } from './components/keywords-page.tsx';
