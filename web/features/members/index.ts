// The member screens, loaded as one chunk when a person first opens Members.
export { MemberProfilePage } from './components/member-profile-page.tsx';
export { MembersPage } from './components/members-page.tsx';
