// The community screens, loaded as one chunk when a person first opens Communities.
export { CommunitiesPage } from './components/communities-page.tsx';
export { CommunityPage } from './components/community-page.tsx';
