import { ActionIcon, Anchor, Badge, Button, Group, Paper, Stack, Switch, Table, Text, Tooltip } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { IconChevronDown, IconChevronRight, IconPlus, IconUsersGroup } from '@tabler/icons-react';
import { useState } from 'react';
import { Link } from 'react-router';
import { PageHeader } from '../../../components/page-header.tsx';
import { QueryView } from '../../../components/query-view.tsx';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { type Community, useCommunities } from '../api/list-communities.ts';
import { CommunityModal } from './community-modal.tsx';
import { buildTree, type TreeNode, VISIBILITY_LOOK } from './community-tree.ts';

export function CommunitiesPage() {
  const { workspaceId, can } = useCurrentWorkspace();
  const communities = useCommunities(workspaceId);
  const [createOpened, createModal] = useDisclosure(false);
  const [showArchived, setShowArchived] = useState(false);

  return (
    <>
      <PageHeader
        title="Communities"
        description="Networks, chapters and the micro-communities inside them."
        actions={
          can('communities.manage') && (
            <Button leftSection={<IconPlus size={16} />} onClick={createModal.open}>
              New community
            </Button>
          )
        }
      />
      <QueryView query={communities} errorTitle="Could not load the communities">
        {(data) => {
          const archivedCount = data.communities.filter((c) => c.archived).length;
          const shown = showArchived ? data.communities : data.communities.filter((c) => !c.archived);
          return (
            <Stack>
              {archivedCount > 0 && (
                <Switch
                  label={`Show archived (${archivedCount})`}
                  checked={showArchived}
                  onChange={(event) => setShowArchived(event.currentTarget.checked)}
                  w="fit-content"
                />
              )}
              {shown.length === 0 ? (
                <EmptyCommunities canManage={can('communities.manage')} onCreate={createModal.open} />
              ) : (
                <Paper withBorder radius="md">
                  <Table.ScrollContainer minWidth={760} type="native">
                    <Table verticalSpacing="sm" highlightOnHover aria-label="Communities">
                      <Table.Thead>
                        <Table.Tr>
                          <Table.Th>Community</Table.Th>
                          <Table.Th>Visibility</Table.Th>
                          <Table.Th>Keywords</Table.Th>
                          <Table.Th ta="right">Members</Table.Th>
                          <Table.Th ta="right">Total</Table.Th>
                          <Table.Th>Leaders</Table.Th>
                        </Table.Tr>
                      </Table.Thead>
                      <Table.Tbody>
                        {buildTree(shown).map((node) => (
                          <TreeRows key={node.community.id} node={node} />
                        ))}
                      </Table.Tbody>
                    </Table>
                  </Table.ScrollContainer>
                </Paper>
              )}
              {shown.length > 0 && (
                <Text size="xs" c="dimmed">
                  Members: active members of the community itself. Total: distinct active members including its sub-communities.
                </Text>
              )}
            </Stack>
          );
        }}
      </QueryView>
      {can('communities.manage') && <CommunityModal opened={createOpened} onClose={createModal.close} />}
    </>
  );
}

function TreeRows(props: { node: TreeNode }) {
  const { node } = props;
  const [expanded, setExpanded] = useState(node.depth < 2);
  return (
    <>
      <CommunityRow
        community={node.community}
        depth={node.depth}
        hasChildren={node.children.length > 0}
        expanded={expanded}
        onToggle={() => setExpanded((value) => !value)}
      />
      {expanded && node.children.map((child) => <TreeRows key={child.community.id} node={child} />)}
    </>
  );
}

function CommunityRow(props: { community: Community; depth: number; hasChildren: boolean; expanded: boolean; onToggle: () => void }) {
  const { community, depth } = props;
  const look = VISIBILITY_LOOK[community.visibility];
  return (
    <Table.Tr data-community={community.slug} style={{ opacity: community.archived ? 0.6 : 1 }}>
      <Table.Td>
        <Group gap={4} wrap="nowrap" pl={depth * 22}>
          {props.hasChildren ? (
            <ActionIcon
              variant="subtle"
              color="gray"
              size="sm"
              onClick={props.onToggle}
              aria-label={`${props.expanded ? 'Collapse' : 'Expand'} ${community.name}`}
              aria-expanded={props.expanded}
            >
              {props.expanded ? <IconChevronDown size={14} /> : <IconChevronRight size={14} />}
            </ActionIcon>
          ) : (
            <span style={{ width: 22, flexShrink: 0 }} />
          )}
          <div style={{ minWidth: 0 }}>
            <Anchor component={Link} to={String(community.id)} fw={depth === 0 ? 600 : 500} size="sm">
              {community.name}
            </Anchor>
            {community.archived && (
              <Badge size="xs" color="gray" variant="outline" ml={6}>
                archived
              </Badge>
            )}
            {community.description && (
              <Text size="xs" c="dimmed" lineClamp={1} maw={360}>
                {community.description}
              </Text>
            )}
          </div>
        </Group>
      </Table.Td>
      <Table.Td>
        <Tooltip label={look.hint} withArrow multiline w={240}>
          <Badge color={look.color} variant="light" tt="none" style={{ cursor: 'default' }}>
            {look.label}
          </Badge>
        </Tooltip>
      </Table.Td>
      <Table.Td>
        <Group gap={4}>
          {community.keywords.length === 0 ? (
            <Text size="xs" c="dimmed">
              —
            </Text>
          ) : (
            community.keywords.map((keyword) => (
              <Badge key={keyword} variant="default" size="sm" ff="monospace">
                {keyword}
              </Badge>
            ))
          )}
        </Group>
      </Table.Td>
      <Table.Td ta="right">
        <Text size="sm" fw={500} aria-label={`${community.memberCount} direct members`}>
          {community.memberCount.toLocaleString()}
        </Text>
      </Table.Td>
      <Table.Td ta="right">
        <Text size="sm" c="dimmed" aria-label={`${community.totalMemberCount} members in total`}>
          {community.totalMemberCount.toLocaleString()}
        </Text>
      </Table.Td>
      <Table.Td>
        <Text size="sm" lineClamp={1} maw={220}>
          {community.leaders.length > 0 ? community.leaders.map((leader) => leader.name).join(', ') : '—'}
        </Text>
      </Table.Td>
    </Table.Tr>
  );
}

function EmptyCommunities(props: { canManage: boolean; onCreate: () => void }) {
  return (
    <Paper withBorder radius="md" py={48} px="md">
      <Stack align="center" gap="xs">
        <IconUsersGroup size={28} stroke={1.5} color="var(--mantine-color-dimmed)" />
        <Text fw={600}>No communities yet</Text>
        <Text size="sm" c="dimmed" ta="center" maw={460}>
          A community is a small group with a shared focus, like “Climate – Austin” or “Parents for safe streets”. Give it a keyword and
          people join by texting it.
        </Text>
        {props.canManage && (
          <Button variant="light" mt="xs" leftSection={<IconPlus size={14} />} onClick={props.onCreate}>
            Create the first community
          </Button>
        )}
      </Stack>
    </Paper>
  );
}
