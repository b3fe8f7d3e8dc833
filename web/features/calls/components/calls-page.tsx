import { Anchor, Badge, Button, Group, Paper, Table, Text } from '@mantine/core';
import { IconAddressBook, IconPlus } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router';
import { ActionsTabs } from '../../../components/actions-tabs.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { formatDateTime, formatRelative } from '../../../lib/format.ts';
import { useActionList } from '../api/list-actions.ts';

const STATUS_COLOR = { draft: 'gray', published: 'green', closed: 'dark' } as const;
const iso = (ms: number) => new Date(ms).toISOString();

/** Call-your-representative actions: the list with their counters. */
export function CallsPage() {
  const { workspaceId, can } = useCurrentWorkspace();
  const calls = useActionList(workspaceId, 'call');
  const navigate = useNavigate();
  const base = `/w/${workspaceId}/actions/calls`;
  return (
    <>
      <PageHeader
        title="Calls"
        description="Members call their representatives from their phone: who to call, what to say, and how it went."
        actions={
          <Group gap="xs">
            <Button variant="default" component={Link} to={`${base}/targets`} leftSection={<IconAddressBook size={16} />}>
              Targets
            </Button>
            {can('actions.manage') && (
              <Button component={Link} to={`${base}/new`} leftSection={<IconPlus size={16} />}>
                New call
              </Button>
            )}
          </Group>
        }
      />
      <ActionsTabs workspaceId={workspaceId} value="calls" />
      <QueryView query={calls} errorTitle="Could not load the calls">
        {(rows) =>
          rows.length === 0 ? (
            <Paper withBorder radius="md" p="xl">
              <Text c="dimmed" ta="center">
                No call campaigns yet. Import your officials and postal codes under Targets (or use a fixed list), write a script, publish
                and text the link.
              </Text>
            </Paper>
          ) : (
            <Paper withBorder radius="md">
              <Table.ScrollContainer minWidth={640} type="native">
                <Table verticalSpacing="sm" highlightOnHover aria-label="Calls">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Title</Table.Th>
                      <Table.Th>Status</Table.Th>
                      <Table.Th ta="right">Calls</Table.Th>
                      <Table.Th>Created</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {rows.map((call) => {
                      const to = `${base}/${call.id}`;
                      return (
                        <Table.Tr key={call.id} onClick={() => navigate(to)} style={{ cursor: 'pointer' }} data-call={call.id}>
                          <Table.Td>
                            <Anchor component={Link} to={to} size="sm" fw={500} c="inherit" onClick={(event) => event.stopPropagation()}>
                              {call.title}
                            </Anchor>
                          </Table.Td>
                          <Table.Td>
                            <Badge color={STATUS_COLOR[call.status]} variant="light">
                              {call.status}
                            </Badge>
                          </Table.Td>
                          <Table.Td ta="right">
                            {call.takenCount.toLocaleString()}
                            {call.goal ? ` / ${call.goal.toLocaleString()}` : ''}
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm" title={formatDateTime(iso(call.createdAt))}>
                              {formatRelative(iso(call.createdAt))}
                            </Text>
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
