// The segment screens, loaded as one chunk when a person first opens Members → Segments.
export { SegmentMembersPage } from './components/segment-members-page.tsx';
export { SegmentPage } from './components/segment-page.tsx';
export { SegmentsPage } from './components/segments-page.tsx';
