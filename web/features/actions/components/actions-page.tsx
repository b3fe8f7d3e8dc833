import { Anchor, Badge, Button, Group, Menu, Paper, Table, Text } from '@mantine/core';
import {
  IconCalendarEvent,
  IconChevronDown,
  IconExternalLink,
  IconListCheck,
  IconMessage2Heart,
  IconPhoneCall,
  IconShare,
  IconSignature,
} from '@tabler/icons-react';
import { Link } from 'react-router';
import { ActionsTabs } from '../../../components/actions-tabs.tsx';
import { PageHeader } from '../../../components/page-header.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { formatRelative } from '../../../lib/format.ts';
import { type ActionSummary, type ActionType, useActions } from '../api/list-actions.ts';

const KINDS: Record<ActionType, { label: string; section: string | null; taken: string }> = {
  petition: { label: 'Petition', section: 'petitions', taken: 'signatures' },
  event: { label: 'Event', section: 'events', taken: 'RSVPs' },
  call: { label: 'Call-in', section: 'calls', taken: 'calls' },
  survey: { label: 'Survey', section: null, taken: 'answers' },
  share: { label: 'Share toolkit', section: 'shares', taken: 'shares' },
  story: { label: 'Call for stories', section: 'stories', taken: 'stories' },
};

const STATUS_COLOR = { draft: 'gray', published: 'teal', closed: 'dark' } as const;

function editPath(workspaceId: string, action: ActionSummary) {
  const section = KINDS[action.type].section;
  return section ? `/w/${workspaceId}/actions/${section}/${action.id}` : null;
}

/** Actions → All actions: every petition, event and call-in with its status, count and public page. */
export function ActionsPage() {
  const { workspaceId, can } = useCurrentWorkspace();
  const actions = useActions(workspaceId);
  const base = `/w/${workspaceId}/actions`;
  return (
    <>
      <PageHeader
        title="Actions"
        description="What you ask members to do: sign, call, show up, answer. Each action has a page for phones and a keyword."
        actions={
          can('actions.manage') && (
            <Menu position="bottom-end">
              <Menu.Target>
                <Button rightSection={<IconChevronDown size={16} />}>New action</Button>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Item component={Link} to={`${base}/petitions/new`} leftSection={<IconSignature size={16} />}>
                  Petition
                </Menu.Item>
                <Menu.Item component={Link} to={`${base}/events/new`} leftSection={<IconCalendarEvent size={16} />}>
                  Event
                </Menu.Item>
                <Menu.Item component={Link} to={`${base}/calls/new`} leftSection={<IconPhoneCall size={16} />}>
                  Call your representative
                </Menu.Item>
                <Menu.Item component={Link} to={`${base}/surveys`} leftSection={<IconListCheck size={16} />}>
                  Survey
                </Menu.Item>
                <Menu.Item component={Link} to={`${base}/shares/new`} leftSection={<IconShare size={16} />}>
                  Share toolkit
                </Menu.Item>
                <Menu.Item component={Link} to={`${base}/stories/new`} leftSection={<IconMessage2Heart size={16} />}>
                  Call for stories
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          )
        }
      />
      <ActionsTabs workspaceId={workspaceId} value="overview" />
      <QueryView query={actions} errorTitle="Could not load the actions">
        {(rows) =>
          rows.length === 0 ? (
            <Paper withBorder radius="md" p="xl">
              <Text c="dimmed" ta="center">
                No actions yet. Start a petition, an event or a call-in: each gets a page that works on any phone, and a keyword members can
                text.
              </Text>
            </Paper>
          ) : (
            <Paper withBorder radius="md">
              <Table.ScrollContainer minWidth={720} type="native">
                <Table verticalSpacing="sm" highlightOnHover aria-label="Actions">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Action</Table.Th>
                      <Table.Th>Kind</Table.Th>
                      <Table.Th>Status</Table.Th>
                      <Table.Th ta="right">Taken</Table.Th>
                      <Table.Th>Created</Table.Th>
                      <Table.Th>Page</Table.Th>
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {rows.map((action) => {
                      const to = editPath(workspaceId, action);
                      return (
                        <Table.Tr key={action.id}>
                          <Table.Td>
                            {to ? (
                              <Anchor component={Link} to={to} fw={600}>
                                {action.title}
                              </Anchor>
                            ) : (
                              <Text fw={600}>{action.title}</Text>
                            )}
                          </Table.Td>
                          <Table.Td>{KINDS[action.type].label}</Table.Td>
                          <Table.Td>
                            <Badge variant="light" color={STATUS_COLOR[action.status]}>
                              {action.status}
                            </Badge>
                          </Table.Td>
                          <Table.Td ta="right">
                            {action.takenCount.toLocaleString()} {KINDS[action.type].taken}
                            {action.goal ? ` of ${action.goal.toLocaleString()}` : ''}
                          </Table.Td>
                          <Table.Td>{formatRelative(new Date(action.createdAt).toISOString())}</Table.Td>
                          <Table.Td>
                            {action.status === 'draft' ? (
                              <Text c="dimmed" size="sm">
                                not public yet
                              </Text>
                            ) : (
                              <Group gap={4}>
                                <Anchor href={action.path} target="_blank" rel="noreferrer" size="sm">
                                  Open
                                </Anchor>
                                <IconExternalLink size={14} />
                              </Group>
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
