import { Anchor, Button, Center, Group, Loader, Paper, Stack, Text, ThemeIcon } from '@mantine/core';
import {
  IconArrowMerge,
  IconAward,
  IconCalendarCheck,
  IconCircleCheck,
  IconCircleX,
  IconClick,
  IconDoorEnter,
  IconDoorExit,
  IconFileImport,
  IconListCheck,
  IconMapPinCheck,
  IconMessageCircle,
  IconMessageReply,
  IconPhoneCall,
  IconPoint,
  IconShare,
  IconSignature,
  IconTag,
  IconUserPlus,
  IconUserShare,
  IconUserStar,
} from '@tabler/icons-react';
import { Link } from 'react-router';
import { ErrorAlert } from '../../../components/error-alert.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { formatDateTime, formatRelative } from '../../../lib/format.ts';
import { type Activity, useTimeline } from '../api/list-timeline.ts';

type Look = { icon: typeof IconPoint; color: string };

const LOOKS: Record<string, Look> = {
  created: { icon: IconUserPlus, color: 'teal' },
  imported: { icon: IconFileImport, color: 'blue' },
  joined: { icon: IconDoorEnter, color: 'teal' },
  left: { icon: IconDoorExit, color: 'gray' },
  role_changed: { icon: IconUserStar, color: 'grape' },
  merged: { icon: IconArrowMerge, color: 'indigo' },
  tagged: { icon: IconTag, color: 'gray' },
  opted_in: { icon: IconCircleCheck, color: 'teal' },
  opted_out: { icon: IconCircleX, color: 'red' },
  signed: { icon: IconSignature, color: 'orange' },
  called: { icon: IconPhoneCall, color: 'orange' },
  rsvped: { icon: IconCalendarCheck, color: 'orange' },
  attended: { icon: IconMapPinCheck, color: 'orange' },
  answered: { icon: IconListCheck, color: 'orange' },
  clicked: { icon: IconClick, color: 'cyan' },
  replied: { icon: IconMessageReply, color: 'cyan' },
  shared: { icon: IconShare, color: 'pink' },
  referred: { icon: IconUserShare, color: 'pink' },
  posted: { icon: IconMessageCircle, color: 'violet' },
  badge_earned: { icon: IconAward, color: 'yellow' },
};

const METHODS: Record<string, string> = {
  web_form: 'web form',
  keyword: 'texted a keyword',
  reply: 'text reply',
  import: 'import',
  api: 'API',
  staff: 'recorded by staff',
  verified_code: 'verified code',
  provider: 'reported by the SMS provider',
};

function text(data: Activity['data'], key: string): string | undefined {
  const value = data?.[key];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

function channelName(channel: string | undefined): string {
  return channel === 'email' ? 'email' : 'text messages';
}

/** One sentence per activity; the community, if any, is shown beside it. */
function describe(activity: Activity): string {
  const { data } = activity;
  const method = text(data, 'method');
  const how = method ? ` (${METHODS[method] ?? method})` : '';
  switch (activity.type) {
    case 'created': {
      const source = text(data, 'source');
      return source ? `Added (source: ${source.replaceAll('_', ' ')})` : 'Added';
    }
    case 'imported':
      return data?.created === false ? 'Details updated by an import' : 'Added by an import';
    case 'joined': {
      const role = text(data, 'role');
      return role && role !== 'member' ? `Joined as ${role}` : 'Joined';
    }
    case 'left':
      return 'Left';
    case 'role_changed':
      return text(data, 'to') ? `Became ${text(data, 'to')}` : 'Role changed';
    case 'merged':
      return text(data, 'duplicateId') ? `Merged with member #${text(data, 'duplicateId')}` : 'Merged with a duplicate record';
    case 'tagged':
      return text(data, 'tag') ? `Tagged “${text(data, 'tag')}”` : 'Tagged';
    case 'opted_in':
      return `Agreed to receive ${channelName(text(data, 'channel'))}${how}`;
    case 'opted_out':
      return `Opted out of ${channelName(text(data, 'channel'))}${how}`;
    case 'badge_earned':
      return text(data, 'badge') ? `Earned the badge “${text(data, 'badge')}”` : 'Earned a badge';
    default: {
      const words = activity.type.replaceAll('_', ' ');
      return words.charAt(0).toUpperCase() + words.slice(1);
    }
  }
}

export function TimelineTab(props: { memberId: string }) {
  const { workspaceId } = useCurrentWorkspace();
  const timeline = useTimeline(workspaceId, props.memberId);

  if (timeline.isPending) {
    return (
      <Center py="xl">
        <Loader aria-label="Loading" />
      </Center>
    );
  }
  if (timeline.isError) {
    return <ErrorAlert error={timeline.error} title="Could not load the timeline" onRetry={() => void timeline.refetch()} />;
  }
  const activities = timeline.data.pages.flatMap((page) => page.activities);
  if (activities.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        Nothing has happened yet. Joining communities, signing, replying and opting in or out all show up here.
      </Text>
    );
  }
  return (
    <Paper withBorder radius="md" p={{ base: 'sm', sm: 'md' }}>
      <Stack gap={0} component="ol" style={{ listStyle: 'none', margin: 0, padding: 0 }} aria-label="Timeline">
        {activities.map((activity, index) => (
          <ActivityItem key={activity.id} activity={activity} last={index === activities.length - 1} />
        ))}
      </Stack>
      {timeline.hasNextPage && (
        <Group justify="center" mt="sm">
          <Button variant="subtle" loading={timeline.isFetchingNextPage} onClick={() => void timeline.fetchNextPage()}>
            Load older activity
          </Button>
        </Group>
      )}
    </Paper>
  );
}

function ActivityItem(props: { activity: Activity; last: boolean }) {
  const { activity } = props;
  const { workspaceId } = useCurrentWorkspace();
  const look = LOOKS[activity.type] ?? { icon: IconPoint, color: 'gray' };
  const Icon = look.icon;
  return (
    <Group component="li" gap="sm" wrap="nowrap" align="flex-start" data-activity={activity.type}>
      <Stack gap={0} align="center" style={{ alignSelf: 'stretch' }}>
        <ThemeIcon variant="light" color={look.color} radius="xl" size={30}>
          <Icon size={16} />
        </ThemeIcon>
        {!props.last && <div style={{ flex: 1, width: 2, minHeight: 12, background: 'var(--mantine-color-gray-2)' }} />}
      </Stack>
      <Stack gap={2} pb="md" style={{ minWidth: 0, flex: 1 }}>
        <Group gap={6} style={{ rowGap: 2 }}>
          <Text size="sm" fw={500}>
            {describe(activity)}
          </Text>
          {activity.subjectType === 'import' && activity.subjectId !== null && (
            <Anchor component={Link} to={`/w/${workspaceId}/members/import/${activity.subjectId}`} size="sm">
              import #{activity.subjectId}
            </Anchor>
          )}
          {activity.community && (
            <Anchor component={Link} to={`/w/${workspaceId}/communities/${activity.community.id}`} size="sm">
              {activity.community.name}
            </Anchor>
          )}
        </Group>
        <Text size="xs" c="dimmed" title={formatDateTime(activity.occurredAt)}>
          {formatRelative(activity.occurredAt)} · {formatDateTime(activity.occurredAt)}
        </Text>
      </Stack>
    </Group>
  );
}
