import { Anchor, Badge, Button, Group, Paper, Table, Text } from '@mantine/core';
import { IconExternalLink, IconPlus } from '@tabler/icons-react';
import { Link, useNavigate } from 'react-router';
import { ActionsTabs } from '../../../components/actions-tabs.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { formatDateTime, formatRelative } from '../../../lib/format.ts';
import { useStories } from '../api/list-stories.ts';
import { StoryStatusBadge } from './story-status-badge.tsx';

const iso = (ms: number) => new Date(ms).toISOString();

/** Stories: every call for stories with its moderation queue, and the way to a new one. */
export function StoriesPage() {
  const { workspaceId, can } = useCurrentWorkspace();
  const stories = useStories(workspaceId);
  const navigate = useNavigate();
  const base = `/w/${workspaceId}/actions/stories`;
  return (
    <>
      <PageHeader
        title="Stories"
        description="Members tell their story (and add a photo) from their phone; a moderator approves it before it is spotlighted."
        actions={
          can('actions.manage') && (
            <Button component={Link} to={`${base}/new`} leftSection={<IconPlus size={16} />}>
              New call for stories
            </Button>
          )
        }
      />
      <ActionsTabs workspaceId={workspaceId} value="stories" />
      <QueryView query={stories} errorTitle="Could not load the stories">
        {({ stories: rows }) =>
          rows.length === 0 ? (
            <Paper withBorder radius="md" p="xl">
              <Text c="dimmed" ta="center">
                No calls for stories yet. Ask a question (“Tell us why transit matters to you”), publish it, and text its link to your
                members.
              </Text>
            </Paper>
          ) : (
            <Paper withBorder radius="md">
              <Table.ScrollContainer minWidth={760} type="native">
                <Table verticalSpacing="sm" highlightOnHover aria-label="Calls for stories">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Title</Table.Th>
                      <Table.Th>Status</Table.Th>
                      <Table.Th>Stories</Table.Th>
                      <Table.Th>Created</Table.Th>
                      <Table.Th>Public page</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {rows.map((s) => {
                      const to = `${base}/${s.id}`;
                      return (
                        <Table.Tr key={s.id} onClick={() => navigate(to)} style={{ cursor: 'pointer' }} data-story={s.id}>
                          <Table.Td>
                            <Anchor component={Link} to={to} size="sm" fw={500} c="inherit" onClick={(event) => event.stopPropagation()}>
                              {s.title}
                            </Anchor>
                          </Table.Td>
                          <Table.Td>
                            <StoryStatusBadge status={s.status} />
                          </Table.Td>
                          <Table.Td>
                            <Group gap={6}>
                              <Text size="sm">{s.submitted.toLocaleString()}</Text>
                              {s.counts.pending > 0 && (
                                <Badge color="yellow" variant="light" size="sm">
                                  {s.counts.pending} to review
                                </Badge>
                              )}
                            </Group>
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
