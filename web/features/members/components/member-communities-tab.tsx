import { Anchor, Badge, Paper, Table, Text } from '@mantine/core';
import { Link } from 'react-router';
import { useCurrentWorkspace } from '../../../lib/current-workspace.tsx';
import { formatDateTime, formatRelative } from '../../../lib/format.ts';
import type { Member } from '../api/get-member.ts';

const STATUS_COLORS: Record<string, string> = { active: 'teal', pending: 'yellow', left: 'gray' };

export function MemberCommunitiesTab(props: { member: Member }) {
  const { workspaceId } = useCurrentWorkspace();
  const { communities } = props.member;
  if (communities.length === 0) {
    return (
      <Text size="sm" c="dimmed">
        Not in any community yet. Members join by texting a keyword, through a community's join page, or when an organizer adds them from
        the community's page.
      </Text>
    );
  }
  return (
    <Paper withBorder radius="md">
      <Table.ScrollContainer minWidth={520} type="native">
        <Table verticalSpacing="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Community</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Joined</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {communities.map((community) => (
              <Table.Tr key={community.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/w/${workspaceId}/communities/${community.id}`} size="sm" fw={500}>
                    {community.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" tt="capitalize">
                    {community.role}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <Badge color={STATUS_COLORS[community.status] ?? 'gray'} variant="light" tt="none">
                    {community.status === 'pending' ? 'request pending' : community.status}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" title={formatDateTime(community.joinedAt)}>
                    {formatRelative(community.joinedAt)}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}
