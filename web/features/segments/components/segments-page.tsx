import { Anchor, Button, Paper, Stack, Table, Text } from '@mantine/core';
import { IconFilter, IconPlus } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router';
import { MembersTabs } from '../../../components/members-tabs.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { formatDateTime, formatRelative } from '../../../lib/format.ts';
import { useSegments } from '../api/list-segments.ts';

/** Saved segments: each with the count it had when last counted and when it last changed; the way to a new one. */
export function SegmentsPage() {
  const { workspaceId, can } = useCurrentWorkspace();
  const segments = useSegments(workspaceId);
  const navigate = useNavigate();
  const base = `/w/${workspaceId}/members/segments`;
  return (
    <>
      <PageHeader
        title="Segments"
        description="Saved descriptions of who you mean (in a community, did or did not act, engaged lately …), counted live."
        actions={
          can('communities.manage') && (
            <Button component={Link} to={`${base}/new`} leftSection={<IconPlus size={16} />}>
              New segment
            </Button>
          )
        }
      />
      <MembersTabs workspaceId={workspaceId} value="segments" />
      <QueryView query={segments} errorTitle="Could not load the segments">
        {({ segments: rows }) =>
          rows.length === 0 ? (
            <Paper withBorder radius="md" p="xl">
              <Stack align="center" gap="xs">
                <IconFilter size={28} stroke={1.5} color="var(--mantine-color-dimmed)" />
                <Text fw={600}>No segments yet</Text>
                <Text size="sm" c="dimmed" ta="center" maw={460}>
                  A segment picks members by what they did, where they belong and how engaged they are, for example everyone who signed a
                  petition and has done nothing since. Broadcasts and workflows can then target it.
                </Text>
              </Stack>
            </Paper>
          ) : (
            <Paper withBorder radius="md">
              <Table.ScrollContainer minWidth={560} type="native">
                <Table verticalSpacing="sm" highlightOnHover aria-label="Segments">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Name</Table.Th>
                      <Table.Th>Members</Table.Th>
                      <Table.Th>Updated</Table.Th>
                      <Table.Th />
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {rows.map((segment) => {
                      const to = `${base}/${segment.id}`;
                      return (
                        <Table.Tr key={segment.id} onClick={() => navigate(to)} style={{ cursor: 'pointer' }} data-segment={segment.id}>
                          <Table.Td>
                            <Anchor component={Link} to={to} size="sm" fw={500} c="inherit" onClick={(event) => event.stopPropagation()}>
                              {segment.name}
                            </Anchor>
                            <Text size="xs" c="dimmed" lineClamp={2} maw={560}>
                              {segment.description || segment.summary}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            <Text
                              size="sm"
                              data-count="members"
                              title={segment.lastCountedAt ? `Counted ${formatDateTime(segment.lastCountedAt)}` : undefined}
                            >
                              {segment.lastCount === null ? '—' : segment.lastCount.toLocaleString()}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm" title={formatDateTime(segment.updatedAt)} style={{ whiteSpace: 'nowrap' }}>
                              {formatRelative(segment.updatedAt)}
                            </Text>
                          </Table.Td>
                          <Table.Td ta="right">
                            <Anchor component={Link} to={`${to}/members`} size="sm" onClick={(event) => event.stopPropagation()}>
                              View members
                            </Anchor>
                          </Table.Td>
                        </Table.Tr>
                      );
                    })}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Paper>
          )
        }
      </QueryView>
    </>
  );
}
