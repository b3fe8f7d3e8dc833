import { Anchor, Button, Paper, Progress, Stack, Table, Text } from '@mantine/core';
import { IconExternalLink, IconPlus } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router';
import { ActionsTabs } from '../../../components/actions-tabs.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { formatDateTime, formatRelative } from '../../../lib/format.ts';
import { usePetitions } from '../api/list-petitions.ts';
import { PetitionStatusBadge } from './petition-status-badge.tsx';

const iso = (ms: number) => new Date(ms).toISOString();

/** Petitions: the list with their counts against their goals, and the way to a new one. */
export function PetitionsPage() {
  const { workspaceId, can } = useCurrentWorkspace();
  const petitions = usePetitions(workspaceId);
  const navigate = useNavigate();
  const base = `/w/${workspaceId}/actions/petitions`;
  return (
    <>
      <PageHeader
        title="Petitions"
        description="A page members sign from their phone; each signature counts live and leads to the next step."
        actions={
          can('actions.manage') && (
            <Button component={Link} to={`${base}/new`} leftSection={<IconPlus size={16} />}>
              New petition
            </Button>
          )
        }
      />
      <ActionsTabs workspaceId={workspaceId} value="petitions" />
      <QueryView query={petitions} errorTitle="Could not load the petitions">
        {({ petitions: rows }) =>
          rows.length === 0 ? (
            <Paper withBorder radius="md" p="xl">
              <Text c="dimmed" ta="center">
                No petitions yet. Write one, publish it, and text its link or keyword to your members.
              </Text>
            </Paper>
          ) : (
            <Paper withBorder radius="md">
              <Table.ScrollContainer minWidth={760} type="native">
                <Table verticalSpacing="sm" highlightOnHover aria-label="Petitions">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Title</Table.Th>
                      <Table.Th>Status</Table.Th>
                      <Table.Th>Signatures</Table.Th>
                      <Table.Th>Created</Table.Th>
                      <Table.Th>Public page</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {rows.map((p) => {
                      const to = `${base}/${p.id}`;
                      return (
                        <Table.Tr key={p.id} onClick={() => navigate(to)} style={{ cursor: 'pointer' }} data-petition={p.id}>
                          <Table.Td>
                            <Anchor component={Link} to={to} size="sm" fw={500} c="inherit" onClick={(event) => event.stopPropagation()}>
                              {p.title}
                            </Anchor>
                          </Table.Td>
                          <Table.Td>
                            <PetitionStatusBadge status={p.status} />
                          </Table.Td>
                          <Table.Td miw={160}>
                            <Stack gap={4}>
                              <Text size="sm" data-count="signatures">
                                {p.signatures.toLocaleString()}
                                {p.goal ? ` / ${p.goal.toLocaleString()}` : ''}
                              </Text>
                              {p.goal !== null && <Progress value={Math.min(100, (p.signatures / p.goal) * 100)} size="sm" aria-hidden />}
                            </Stack>
                          </Table.Td>
                          <Table.Td>
                            <Text size="sm" title={formatDateTime(iso(p.createdAt))} style={{ whiteSpace: 'nowrap' }}>
                              {formatRelative(iso(p.createdAt))}
                            </Text>
                          </Table.Td>
                          <Table.Td>
                            {p.status === 'draft' ? (
                              <Text size="sm" c="dimmed">
                                Not published
                              </Text>
                            ) : (
                              <Anchor href={p.url} target="_blank" rel="noreferrer" size="sm" onClick={(event) => event.stopPropagation()}>
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
