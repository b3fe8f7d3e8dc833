import { Anchor, Button, Paper, Table, Text } from '@mantine/core';
import { IconExternalLink, IconPlus } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router';
import { ActionsTabs } from '../../../components/actions-tabs.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { formatDateTime, formatRelative } from '../../../lib/format.ts';
import { useShares } from '../api/list-shares.ts';
import { ShareStatusBadge } from './share-status-badge.tsx';

const iso = (ms: number) => new Date(ms).toISOString();

/** Share actions: the toolkits members spread with their own links, and the way to a new one. */
export function SharesPage() {
  const { workspaceId, can } = useCurrentWorkspace();
  const shares = useShares(workspaceId);
  const navigate = useNavigate();
  const base = `/w/${workspaceId}/actions/shares`;
  return (
    <>
      <PageHeader
        title="Share"
        description="Suggested posts for each network; every member’s links carry their own code, so you see who brought whom."
        actions={
          can('actions.manage') && (
            <Button component={Link} to={`${base}/new`} leftSection={<IconPlus size={16} />}>
              New share action
            </Button>
          )
        }
      />
      <ActionsTabs workspaceId={workspaceId} value="shares" />
      <QueryView query={shares} errorTitle="Could not load the share actions">
        {({ shares: rows }) =>
          rows.length === 0 ? (
            <Paper withBorder radius="md" p="xl">
              <Text c="dimmed" ta="center">
                No share actions yet. Write the posts for a petition or an event, publish, and text the link to your members.
              </Text>
            </Paper>
          ) : (
            <Paper withBorder radius="md">
              <Table.ScrollContainer minWidth={640} type="native">
                <Table verticalSpacing="sm" highlightOnHover aria-label="Share actions">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Title</Table.Th>
                      <Table.Th>Status</Table.Th>
                      <Table.Th>Sharers</Table.Th>
                      <Table.Th>Created</Table.Th>
                      <Table.Th>Public page</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {rows.map((s) => {
                      const to = `${base}/${s.id}`;
                      return (
                        <Table.Tr key={s.id} onClick={() => navigate(to)} style={{ cursor: 'pointer' }} data-share={s.id}>
                          <Table.Td>
                            <Anchor component={Link} to={to} size="sm" fw={500} c="inherit" onClick={(event) => event.stopPropagation()}>
                              {s.title}
                            </Anchor>
                          </Table.Td>
                          <Table.Td>
                            <ShareStatusBadge status={s.status} />
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm">{s.sharers.toLocaleString()}</Text>
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm" title={formatDateTime(iso(s.createdAt))} style={{ whiteSpace: 'nowrap' }}>
                              {formatRelative(iso(s.createdAt))}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            {s.status === 'draft' ? (
                              <Text size="sm" c="dimmed">
                                Not published
                              </Text>
                            ) : (
                              <Anchor href={s.url} target="_blank" rel="noreferrer" size="sm" onClick={(event) => event.stopPropagation()}>
                                Open <IconExternalLink size={12} />
                              </Anchor>
                            )}
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
