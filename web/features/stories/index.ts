// The stories screens, loaded as one chunk on first visit.

export { StoriesPage } from './components/stories-page.tsx';
export { StoryPage } from './components/story-page.tsx';
