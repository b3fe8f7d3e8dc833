import { Anchor, Button, Group, Paper, Stack, Table, Text } from '@mantine/core';
import { IconMessages, IconPlus } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router';
import { ErrorAlert } from '../../../components/error-alert.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { formatDateTime, formatRelative } from '../../../lib/format.ts';
import { type BroadcastStatus, type BroadcastSummary, useBroadcasts } from '../api/list-broadcasts.ts';
import { BroadcastStatusBadge } from './broadcast-status-badge.tsx';
import { iso } from './display.ts';

const COUNTS = [
  { label: 'Sent', value: (b: BroadcastSummary) => b.stats.sent },
  { label: 'Delivered', value: (b: BroadcastSummary) => b.stats.delivered },
  { label: 'Failed', value: (b: BroadcastSummary) => b.stats.failed },
  { label: 'Clicked', value: (b: BroadcastSummary) => b.stats.clicked },
  { label: 'Replied', value: (b: BroadcastSummary) => b.stats.replied },
  { label: 'Opted out', value: (b: BroadcastSummary) => b.stats.optedOut },
] as const;

/** Where a row leads: drafts open in the composer, everything else in its report. */
function rowLink(workspaceId: string, broadcast: BroadcastSummary): string {
  const base = `/w/${workspaceId}/messages/${broadcast.id}`;
  return broadcast.status === 'draft' ? `${base}/edit` : base;
}

export function BroadcastsTable(props: { status: BroadcastStatus | undefined }) {
  const { workspaceId, can } = useCurrentWorkspace();
  const navigate = useNavigate();
  const broadcasts = useBroadcasts(workspaceId, props.status);
  if (broadcasts.isError && !broadcasts.data) {
    return <ErrorAlert error={broadcasts.error} title="Could not load the broadcasts" onRetry={() => void broadcasts.refetch()} />;
  }
  const rows = broadcasts.data?.pages.flatMap((page) => page.broadcasts) ?? [];

  return (
    <Stack>
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={960} type="native">
          <Table verticalSpacing="sm" highlightOnHover aria-label="Broadcasts">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th ta="right">Recipients</Table.Th>
                {COUNTS.map((count) => (
                  <Table.Th key={count.label} ta="right">
                    {count.label}
                  </Table.Th>
                ))}
                <Table.Th>Created</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {rows.map((broadcast) => {
                const to = rowLink(workspaceId, broadcast);
                return (
                  <Table.Tr key={broadcast.id} onClick={() => navigate(to)} style={{ cursor: 'pointer' }} data-broadcast={broadcast.id}>
                    <Table.Td>
                      <Anchor component={Link} to={to} size="sm" fw={500} c="inherit" onClick={(event) => event.stopPropagation()}>
                        {broadcast.name}
                      </Anchor>
                      <Text size="xs" c="dimmed">
                        {broadcast.channel === 'sms' ? 'SMS' : 'Email'}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <BroadcastStatusBadge status={broadcast.status} />
                    </Table.Td>
                    <Table.Td ta="right">{broadcast.recipientCount.toLocaleString()}</Table.Td>
                    {COUNTS.map((count) => (
                      <Table.Td key={count.label} ta="right" data-count={count.label}>
                        {count.value(broadcast).toLocaleString()}
                      </Table.Td>
                    ))}
                    <Table.Td>
                      <Text size="sm" title={formatDateTime(iso(broadcast.createdAt))} style={{ whiteSpace: 'nowrap' }}>
                        {formatRelative(iso(broadcast.createdAt))}
                      </Text>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
              {broadcasts.isPending && (
                <Table.Tr>
                  <Table.Td colSpan={COUNTS.length + 4}>
                    <Text size="sm" c="dimmed">
                      Loading broadcasts…
                    </Text>
                  </Table.Td>
                </Table.Tr>
              )}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
        {broadcasts.data && rows.length === 0 && (
          <Stack align="center" gap="xs" py="xl" px="md">
            <IconMessages size={28} stroke={1.5} color="var(--mantine-color-dimmed)" />
            <Text fw={600}>{props.status ? 'No broadcast with this status' : 'No broadcasts yet'}</Text>
            <Text size="sm" c="dimmed" ta="center" maw={420}>
              A broadcast texts the members of communities you choose, in their language, with a report of who got it, clicked and replied.
            </Text>
            {!props.status && can('broadcasts.manage') && (
              <Button component={Link} to="new" variant="light" size="compact-md" mt="xs" leftSection={<IconPlus size={14} />}>
                New broadcast
              </Button>
            )}
          </Stack>
        )}
      </Paper>
      {broadcasts.hasNextPage && (
        <Group justify="center">
          <Button variant="default" onClick={() => void broadcasts.fetchNextPage()} loading={broadcasts.isFetchingNextPage}>
            Show more
          </Button>
        </Group>
      )}
    </Stack>
  );
}
