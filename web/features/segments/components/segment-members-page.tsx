import { Button, Group, Paper, Text } from '@mantine/core';
import { IconChevronLeft, IconChevronRight, IconPencil } from '@tabler/icons-react';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { ErrorAlert } from '../../../components/error-alert.tsx';
import { MembersTabs } from '../../../components/members-tabs.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { useSegment } from '../api/get-segment.ts';
import { MEMBERS_PAGE_SIZE, useSegmentMembers } from '../api/list-segment-members.ts';
import { SegmentMemberTable } from './segment-member-table.tsx';
import { membersLabel } from './segment-preview.tsx';

/** Pages already walked through, kept in the history entry so Back from a profile returns to the same page. */
type PagingState = { cursors?: string[] };

/** Who a saved segment matches right now, a page at a time. */
export function SegmentMembersPage() {
  const { workspaceId } = useCurrentWorkspace();
  const segmentId = useParams().segmentId ?? '';
  const location = useLocation();
  const navigate = useNavigate();
  const cursors = (location.state as PagingState | null)?.cursors ?? [];
  const segment = useSegment(workspaceId, segmentId);
  const members = useSegmentMembers(workspaceId, segmentId, cursors.at(-1));
  const go = (next: string[]) => navigate(location.pathname, { state: { cursors: next } satisfies PagingState });

  const data = members.data;
  const from = cursors.length * MEMBERS_PAGE_SIZE + 1;
  const editPath = `/w/${workspaceId}/members/segments/${segmentId}`;
  return (
    <>
      <PageHeader
        title={segment.data ? `${segment.data.name}: members` : 'Segment members'}
        description={segment.data ? `Members who match: ${segment.data.summary}` : undefined}
        actions={
          <Button component={Link} to={editPath} variant="default" leftSection={<IconPencil size={16} />}>
            Edit segment
          </Button>
        }
      />
      <MembersTabs workspaceId={workspaceId} value="segments" />
      {members.isError && !data ? (
        <ErrorAlert error={members.error} title="Could not load the members" onRetry={() => void members.refetch()} />
      ) : (
        <Paper withBorder radius="md">
          {data && data.members.length > 0 && (
            <SegmentMemberTable members={data.members} label="Segment members" dimmed={members.isPlaceholderData} />
          )}
          {data && data.members.length === 0 && (
            <Text c="dimmed" ta="center" p="xl">
              {cursors.length ? 'No more members.' : 'Nobody matches this segment right now.'}
            </Text>
          )}
          {!data && (
            <Text c="dimmed" p="md">
              Loading members…
            </Text>
          )}
        </Paper>
      )}
      {data && (data.members.length > 0 || cursors.length > 0) && (
        <Group justify="space-between" mt="md">
          <Text size="sm" c="dimmed">
            {data.members.length > 0
              ? `${from.toLocaleString()}–${(from + data.members.length - 1).toLocaleString()}${segment.data?.lastCount != null ? ` of ${membersLabel(segment.data.lastCount)}` : ''}`
              : ''}
          </Text>
          <Group gap="xs">
            <Button
              variant="default"
              size="compact-md"
              leftSection={<IconChevronLeft size={16} />}
              disabled={cursors.length === 0}
              onClick={() => go(cursors.slice(0, -1))}
            >
              Previous
            </Button>
            <Button
              variant="default"
              size="compact-md"
              rightSection={<IconChevronRight size={16} />}
              disabled={!data.nextCursor || members.isPlaceholderData}
              onClick={() => data.nextCursor && go([...cursors, data.nextCursor])}
            >
              Next
            </Button>
          </Group>
        </Group>
      )}
    </>
  );
}
