import {
  IconBolt,
  IconChartBar,
  IconInbox,
  IconMessageCircle,
  IconMessages,
  IconRoute,
  IconShare,
  IconUsers,
  IconUsersGroup,
} from '@tabler/icons-react';

type AreaIcon = typeof IconUsers;

export type Area = {
  /** URL segment under /w/:workspaceId */
  path: string;
  label: string;
  icon: AreaIcon;
  /** One sentence: what the area will hold. */
  description: string;
};

export const AREAS: readonly Area[] = [
  {
    path: 'members',
    label: 'Members',
    icon: IconUsers,
    description: 'Everyone who has joined, with their consent history, communities and everything they have done.',
  },
  {
    path: 'communities',
    label: 'Communities',
    icon: IconUsersGroup,
    description: 'Focused groups inside your following, with join keywords, leaders and guidelines.',
  },
  {
    path: 'messages',
    label: 'Messages',
    icon: IconMessages,
    description: 'Broadcasts to communities and segments, with delivery reports.',
  },
  {
    path: 'inbox',
    label: 'Inbox',
    icon: IconInbox,
    description: 'One-to-one text conversations with members, assigned to volunteer texters.',
  },
  {
    path: 'actions',
    label: 'Actions',
    icon: IconBolt,
    description: 'Petitions, call-ins, events, surveys and stories, each with a public page and a keyword.',
  },
  {
    path: 'workflows',
    label: 'Workflows',
    icon: IconRoute,
    description: 'Automatic follow-ups that welcome, remind and move members up the ladder of engagement.',
  },
  {
    path: 'spaces',
    label: 'Spaces',
    icon: IconMessageCircle,
    description: 'Community discussions with moderation, flags, badges and recognition.',
  },
  {
    path: 'social',
    label: 'Social',
    icon: IconShare,
    description: 'Scheduled cross-posts to Mastodon, Bluesky, Discord and more, and the mentions they bring back.',
  },
  {
    path: 'analytics',
    label: 'Analytics',
    icon: IconChartBar,
    description: 'Engagement, reach and retention per community, and who did what next.',
  },
];
