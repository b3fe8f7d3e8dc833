// The petitions screens, loaded as one chunk on first visit.

export { PetitionPage } from './components/petition-page.tsx';
export { PetitionsPage } from './components/petitions-page.tsx';
