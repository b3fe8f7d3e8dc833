// The events screens, loaded as one chunk on first visit.

export { EventCheckInPage } from './components/event-check-in-page.tsx';
export { EventPage } from './components/event-page.tsx';
export { EventsPage } from './components/events-page.tsx';
