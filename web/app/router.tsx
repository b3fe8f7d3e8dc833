import { createBrowserRouter, Navigate } from 'react-router';
import { AREAS } from '../features/areas/areas.ts';
import { AreaPlaceholder } from '../features/areas/components/area-placeholder.tsx';
import { WorkspaceHome } from '../features/areas/components/workspace-home.tsx';
import { LoginPage } from '../features/auth/components/login-page.tsx';
import { HomeRedirect } from './home-redirect.tsx';
import { NotFoundInWorkspace, NotFoundPage } from './not-found.tsx';
import { RequireSession } from './require-session.tsx';
import { RouteError } from './route-error.tsx';
import { WorkspaceLayout } from './workspace-layout.tsx';

// Rarely visited screens are separate chunks, fetched on first visit.
const settings = () => import('../features/settings/index.ts');
const lazySettings = (name: 'SettingsPage' | 'GeneralTab' | 'UsersTab' | 'ApiKeysTab' | 'AuditTab' | 'JobsTab') => async () => ({
  Component: (await settings())[name],
});
const members = () => import('../features/members/index.ts');
const lazyMembers = (name: 'MembersPage' | 'MemberProfilePage') => async () => ({ Component: (await members())[name] });
const lazyImport = async () => ({ Component: (await import('../features/imports/index.ts')).ImportPage });
const segments = () => import('../features/segments/index.ts');
const lazySegments = (name: 'SegmentsPage' | 'SegmentPage' | 'SegmentMembersPage') => async () => ({ Component: (await segments())[name] });
const communities = () => import('../features/communities/index.ts');
const lazyCommunities = (name: 'CommunitiesPage' | 'CommunityPage') => async () => ({ Component: (await communities())[name] });
const messages = () => import('../features/messages/index.ts');
const lazyMessages = (name: 'MessagesPage' | 'BroadcastComposerPage' | 'BroadcastReportPage') => async () => ({
  Component: (await messages())[name],
});
const inbox = () => import('../features/inbox/index.ts');
const lazyInbox = (name: 'InboxPage' | 'CannedResponsesPage') => async () => ({ Component: (await inbox())[name] });
const p2p = () => import('../features/p2p/index.ts');
const lazyP2p = (name: 'P2pCampaignsPage' | 'P2pCampaignPage' | 'P2pTexterPage') => async () => ({ Component: (await p2p())[name] });
const lazyKeywords = async () => ({ Component: (await import('../features/keywords/index.ts')).KeywordsPage });
const workflows = () => import('../features/workflows/index.ts');
const lazyWorkflows = (name: 'WorkflowsPage' | 'WorkflowBuilderPage' | 'WorkflowReportPage') => async () => ({
  Component: (await workflows())[name],
});
const lazyActions = async () => ({ Component: (await import('../features/actions/index.ts')).ActionsPage });
const petitions = () => import('../features/petitions/index.ts');
const lazyPetitions = (name: 'PetitionsPage' | 'PetitionPage') => async () => ({ Component: (await petitions())[name] });
const events = () => import('../features/events/index.ts');
const lazyEvents = (name: 'EventsPage' | 'EventPage' | 'EventCheckInPage') => async () => ({ Component: (await events())[name] });
const calls = () => import('../features/calls/index.ts');
const lazyCalls = (name: 'CallsPage' | 'CallPage' | 'CallTargetsPage') => async () => ({ Component: (await calls())[name] });
const surveys = () => import('../features/surveys/index.ts');
const lazySurveys = (name: 'SurveysPage' | 'SurveyPage') => async () => ({ Component: (await surveys())[name] });
const stories = () => import('../features/stories/index.ts');
const lazyStories = (name: 'StoriesPage' | 'StoryPage') => async () => ({ Component: (await stories())[name] });
const shares = () => import('../features/shares/index.ts');
const lazyShares = (name: 'SharesPage' | 'SharePage') => async () => ({ Component: (await shares())[name] });
const channels = () => import('../features/channels/index.ts');
const lazyChannels = (name: 'ChannelsTab' | 'ComplianceTab') => async () => ({ Component: (await channels())[name] });

// Areas with real screens; the others show what they will hold.
const BUILT = new Set(['members', 'communities', 'messages', 'inbox', 'actions', 'workflows']);

export function createRouter() {
  return createBrowserRouter([
    {
      ErrorBoundary: RouteError,
      children: [
        { path: '/login', Component: LoginPage },
        {
          path: '/invite/:token',
          lazy: async () => ({ Component: (await import('../features/auth/components/invite-page.tsx')).InvitePage }),
        },
        {
          path: '/',
          Component: RequireSession,
          children: [
            { index: true, Component: HomeRedirect },
            {
              path: 'w/:workspaceId',
              Component: WorkspaceLayout,
              children: [
                { index: true, Component: WorkspaceHome },
                {
                  path: 'members',
                  children: [
                    { index: true, lazy: lazyMembers('MembersPage') },
                    { path: 'import', lazy: lazyImport },
                    { path: 'import/:importId', lazy: lazyImport },
                    { path: 'segments', lazy: lazySegments('SegmentsPage') },
                    { path: 'segments/new', lazy: lazySegments('SegmentPage') },
                    { path: 'segments/:segmentId', lazy: lazySegments('SegmentPage') },
                    { path: 'segments/:segmentId/members', lazy: lazySegments('SegmentMembersPage') },
                    { path: ':memberId', lazy: lazyMembers('MemberProfilePage') },
                  ],
                },
                {
                  path: 'communities',
                  children: [
                    { index: true, lazy: lazyCommunities('CommunitiesPage') },
                    { path: ':communityId', lazy: lazyCommunities('CommunityPage') },
                  ],
                },
                {
                  path: 'messages',
                  children: [
                    { index: true, lazy: lazyMessages('MessagesPage') },
                    { path: 'simulator', lazy: lazyMessages('MessagesPage') },
                    { path: 'keywords', lazy: lazyKeywords },
                    { path: 'workflows', lazy: lazyWorkflows('WorkflowsPage') },
                    { path: 'workflows/new', lazy: lazyWorkflows('WorkflowBuilderPage') },
                    { path: 'workflows/:workflowId', lazy: lazyWorkflows('WorkflowBuilderPage') },
                    { path: 'workflows/:workflowId/report', lazy: lazyWorkflows('WorkflowReportPage') },
                    { path: 'new', lazy: lazyMessages('BroadcastComposerPage') },
                    { path: ':broadcastId', lazy: lazyMessages('BroadcastReportPage') },
                    { path: ':broadcastId/edit', lazy: lazyMessages('BroadcastComposerPage') },
                  ],
                },
                {
                  path: 'inbox',
                  children: [
                    { index: true, lazy: lazyInbox('InboxPage') },
                    { path: 'c/:conversationId', lazy: lazyInbox('InboxPage') },
                    { path: 'saved-replies', lazy: lazyInbox('CannedResponsesPage') },
                    { path: 'campaigns', lazy: lazyP2p('P2pCampaignsPage') },
                    { path: 'campaigns/new', lazy: lazyP2p('P2pCampaignPage') },
                    { path: 'campaigns/:campaignId', lazy: lazyP2p('P2pCampaignPage') },
                    { path: 'campaigns/:campaignId/text', lazy: lazyP2p('P2pTexterPage') },
                  ],
                },
                {
                  path: 'actions',
                  children: [
                    { index: true, lazy: lazyActions },
                    { path: 'petitions', lazy: lazyPetitions('PetitionsPage') },
                    { path: 'petitions/new', lazy: lazyPetitions('PetitionPage') },
                    { path: 'petitions/:actionId', lazy: lazyPetitions('PetitionPage') },
                    { path: 'events', lazy: lazyEvents('EventsPage') },
                    { path: 'events/new', lazy: lazyEvents('EventPage') },
                    { path: 'events/:actionId', lazy: lazyEvents('EventPage') },
                    { path: 'events/:actionId/check-in', lazy: lazyEvents('EventCheckInPage') },
                    { path: 'calls', lazy: lazyCalls('CallsPage') },
                    { path: 'calls/new', lazy: lazyCalls('CallPage') },
                    { path: 'calls/targets', lazy: lazyCalls('CallTargetsPage') },
                    { path: 'calls/:actionId', lazy: lazyCalls('CallPage') },
                    { path: 'surveys', lazy: lazySurveys('SurveysPage') },
                    { path: 'surveys/:surveyId', lazy: lazySurveys('SurveyPage') },
                    { path: 'shares', lazy: lazyShares('SharesPage') },
                    { path: 'shares/new', lazy: lazyShares('SharePage') },
                    { path: 'shares/:actionId', lazy: lazyShares('SharePage') },
                    { path: 'stories', lazy: lazyStories('StoriesPage') },
                    { path: 'stories/new', lazy: lazyStories('StoryPage') },
                    { path: 'stories/:actionId', lazy: lazyStories('StoryPage') },
                  ],
                },
                // Workflows live under Messages (they text members); the navigation's entry leads there.
                { path: 'workflows', element: <Navigate to="../messages/workflows" replace /> },
                ...AREAS.filter((area) => !BUILT.has(area.path)).map((area) => ({
                  path: area.path,
                  element: <AreaPlaceholder area={area} />,
                })),
                {
                  path: 'settings',
                  lazy: lazySettings('SettingsPage'),
                  children: [
                    { index: true, element: <Navigate to="general" replace /> },
                    { path: 'general', lazy: lazySettings('GeneralTab') },
                    { path: 'users', lazy: lazySettings('UsersTab') },
                    { path: 'channels', lazy: lazyChannels('ChannelsTab') },
                    { path: 'compliance', lazy: lazyChannels('ComplianceTab') },
                    { path: 'api-keys', lazy: lazySettings('ApiKeysTab') },
                    { path: 'audit', lazy: lazySettings('AuditTab') },
                    { path: 'jobs', lazy: lazySettings('JobsTab') },
                  ],
                },
                { path: '*', Component: NotFoundInWorkspace },
              ],
            },
          ],
        },
        { path: '*', Component: NotFoundPage },
      ],
    },
  ]);
}
