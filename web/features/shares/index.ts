// The share action screens, loaded as one chunk on first visit.

export { SharePage } from './components/share-page.tsx';
export { SharesPage } from './components/shares-page.tsx';
